import { wireAddresses } from '@switchyard/rpc';
import { onKafka } from '../../apps/rpc-example/src/placement.js';
import { builtAppScenario, orderScenarios, SETTLEMENT } from '../../apps/rpc-example/test/scenarios.js';
import { deadLetterReasons } from './rpcSupport.js';
import { brokerCases } from './support.js';

const settlement = wireAddresses.kafka.listener(SETTLEMENT.api, SETTLEMENT.event, SETTLEMENT.listenerName);

// apps/rpc-example's journeys (apps/rpc-example/test/scenarios.ts) on each Kafka version with the
// placement main.ts uses with --kafka-brokers (sessions and idle fetches shortened for the suite),
// then main.js itself.
for (const { version, brokers } of brokerCases) {
  orderScenarios(onKafka(brokers, { logLevel: 'silent' }), {
    where: `Kafka ${version}`,
    skip: brokers === '',
    settlementDeadLetters: () => deadLetterReasons(brokers, settlement),
    flags: [
      ...['--set', 'kafka.sessionTimeoutMs=6000', '--set', 'kafka.heartbeatIntervalMs=500'],
      ...['--set', 'kafka.maxWaitTimeMs=100'],
    ],
  });
  builtAppScenario(['--kafka-brokers', brokers], { runsOn: onKafka(brokers).label, skip: brokers === '' });
}
