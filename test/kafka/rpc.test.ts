import { createBus, wireAddresses } from '@switchyard/rpc';
import { kafkaWire } from '@switchyard/rpc/kafka';
import { rpcConformance } from '../support/rpcConformance.js';
import { deadLetterReasons, startApiDaemon } from './rpcSupport.js';
import { brokerCases, silentLogger } from './support.js';

for (const { version, brokers } of brokerCases) {
  rpcConformance(`Kafka ${version}`, {
    start: (daemon, argv = []) => startApiDaemon(daemon, brokers, argv),
    client: async () => createBus({ wire: await kafkaWire({ brokers, logger: silentLogger }) }),
    deadLetterReasons: (address) => deadLetterReasons(brokers, address),
    addresses: wireAddresses.kafka,
  });
}
