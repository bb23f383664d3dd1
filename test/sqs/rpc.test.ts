import { wireAddresses } from '@switchyard/rpc';
import { describe } from 'vitest';
import { rpcConformance } from '../support/rpcConformance.js';
import { clientBus, deadLetterReasons, startApiDaemon, type EventMode } from './rpcSupport.js';
import { sqsClient, sqsServers } from './support.js';

// The suite every wire passes, on ElasticMQ (plain SQS: the wire sends each event to the listener
// queues itself) and on fauxqs with SNS (a topic per event, one subscribed queue per listener).
for (const server of sqsServers) {
  const events: EventMode = server.name === 'fauxqs' ? 'sns' : 'sqs';
  describe.skipIf(server.missing)(`${server.name}, events through ${events}`, () => {
    const client = sqsClient(server.endpoint);
    rpcConformance(`SQS (${server.name})`, {
      start: (daemon, argv = []) => startApiDaemon(daemon, server.endpoint, events, argv),
      client: () => clientBus(server.endpoint, events),
      deadLetterReasons: (address) => deadLetterReasons(client, address),
      addresses: wireAddresses.sqs,
    });
  });
}
