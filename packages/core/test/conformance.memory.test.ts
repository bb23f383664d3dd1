import { MemoryBroker, MemoryProducer, MemoryTransport } from '../src/index.js';
import { transportConformance } from '../src/testing/index.js';

let queues = 0;

/**
 * The embedded bus. Its leases are one second (so the crash and extend cases do not wait long) and
 * a receive waits 20 s (so the close case fails if an aborted receive waited for its poll to end).
 */
await transportConformance({
  name: 'memory',
  capabilities: { ordersByKey: true, supportsRelease: false, leases: true, redeliversAfterCrash: true },
  timeoutMs: 5000,
  promptMs: 2000,
  createQueue: async () => {
    const broker = new MemoryBroker({ visibilityTimeoutSeconds: 1 });
    const name = `conformance-${++queues}`;
    const queue = broker.queue(name);
    return {
      transport: () => new MemoryTransport(broker, name, 20_000),
      producer: () => new MemoryProducer(broker, name),
      publish: async (messages) => {
        for (const { body, key, attributes } of messages) queue.send(body, { ...attributes }, { key });
      },
      remaining: async () => queue.size,
      deadLetters: async () =>
        broker
          .deadLetterQueue(name)
          .peekAll()
          .map(({ body, attributes }) => ({ body: String(body), attributes })),
    };
  },
});
