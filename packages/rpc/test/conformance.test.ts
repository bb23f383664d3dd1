import { MemoryBroker } from '@switchyard/core';
import { createBus, memoryWire, wireAddresses } from '@switchyard/rpc';
import { rpcConformance } from '../../../test/support/rpcConformance.js';
import { startOn } from './support.js';

// The suite every wire passes (test/{kafka,sqs,nats}/rpc.test.ts run it on the real servers), here
// on the embedded bus: one broker for the file, as a real suite shares one server.
const broker = new MemoryBroker();

rpcConformance('the embedded bus', {
  start: (daemon, argv = []) => startOn(broker, daemon, [...argv]),
  client: (options) => createBus({ wire: memoryWire(broker, 20), ...options }),
  deadLetterReasons: async (address) =>
    broker
      .deadLetterQueue(address)
      .peekAll()
      .map((letter) => String(letter.attributes['x-dead-letter-reason'])),
  addresses: wireAddresses.memory,
});
