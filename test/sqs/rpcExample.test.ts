import { wireAddresses } from '@switchyard/rpc';
import { onSqs } from '../../apps/rpc-example/src/placement.js';
import { builtAppScenario, orderScenarios, SETTLEMENT } from '../../apps/rpc-example/test/scenarios.js';
import { deadLetterReasons } from './rpcSupport.js';
import { sqsClient, sqsServers } from './support.js';

const settlement = wireAddresses.sqs.listener(SETTLEMENT.api, SETTLEMENT.event, SETTLEMENT.listenerName);

// apps/rpc-example's journeys (apps/rpc-example/test/scenarios.ts) with the placement main.ts uses
// with --sqs-endpoint, then main.js itself: on ElasticMQ (plain SQS: the wire sends each event to
// the listener queues) and on fauxqs with SNS (--sqs-events sns: a topic per event, a subscribed
// queue per listener).
for (const server of sqsServers) {
  const events = server.name === 'fauxqs' ? 'sns' : 'sqs';
  const client = sqsClient(server.endpoint);
  orderScenarios(onSqs(server.endpoint, { events, logLevel: 'silent' }), {
    where: `${server.name}, events through ${events}`,
    skip: server.missing,
    settlementDeadLetters: () => deadLetterReasons(client, settlement),
    // Short long polls, so a stopping service lets go quickly.
    flags: ['--set', 'sqs.waitTimeSeconds=1'],
  });
  builtAppScenario(['--sqs-endpoint', server.endpoint, '--sqs-events', events], {
    runsOn: onSqs(server.endpoint, { events }).label,
    skip: server.missing,
    // The child's environment has PATH only; a local server takes any key.
    env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
  });
}
