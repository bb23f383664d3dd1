import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContainerModule,
  MemoryBroker,
  MemoryTransport,
  TOKENS,
  type Transport,
  type TransportMessage,
  type TransportProducer,
} from '../src/index.js';
import { TestDaemon } from '../src/testing/index.js';
import { OrderDaemon } from './support/fixtures.js';

/** The in-memory transport, with the optional parts of the contract a test wants to see used. */
function wrapped(
  extra: Partial<Transport>,
  mark?: (message: TransportMessage) => TransportMessage,
): ContainerModule {
  return new ContainerModule(({ rebind }) => {
    rebind(TOKENS.Transport).toDynamicValue((context) => {
      const inner = new MemoryTransport(context.get(MemoryBroker), 'order-daemon', 20);
      const transport: Transport = {
        name: 'wrapped',
        leaseSeconds: inner.leaseSeconds,
        receive: async (max, signal) =>
          (await inner.receive(max, signal)).map(mark ?? ((message) => message)),
        ack: (message) => inner.ack(message),
        nack: (message, delay) => inner.nack(message, delay),
        extend: (message, seconds) => inner.extend(message, seconds),
        deadLetter: (message, details) => inner.deadLetter(message, details),
        close: () => inner.close(),
        ...extra,
      };
      return transport;
    });
  });
}

let daemon: TestDaemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

describe('the transport contract, optional parts', () => {
  it('a message the transport rejected is dead-lettered by core with the transport’s reason, and counted', async () => {
    const rejectMarked = (message: TransportMessage): TransportMessage =>
      String(message.body).includes('corrupt')
        ? { ...message, rejection: 'body MD5 does not match' }
        : message;
    daemon = await TestDaemon.start(new OrderDaemon(), { modules: [wrapped({}, rejectMarked)] });
    const body = JSON.stringify({ mediaType: 'application/vnd.test.order', id: 'corrupt', quantity: 1 });
    expect(await daemon.sendRawAndWait(body)).toMatchObject({
      kind: 'dead-lettered',
      reason: 'invalid message: body MD5 does not match',
    });
    expect(daemon.running.counter.get('dead-lettered')).toBe(1);
  });

  it('start() runs before consuming; its failure stops the start, naming the transport', async () => {
    const failing = wrapped({
      start: () => Promise.reject(new Error('queue https://example.test/q does not exist')),
    });
    await expect(TestDaemon.start(new OrderDaemon(), { modules: [failing] })).rejects.toThrow(
      'the memory transport could not start: queue https://example.test/q does not exist',
    );
  });

  it('the producer is closed after the daemon has drained', async () => {
    const events: string[] = [];
    const producer: TransportProducer = {
      send: () => Promise.resolve('id'),
      close: () => {
        events.push('producer closed');
        return Promise.resolve();
      },
    };
    const module = new ContainerModule(({ rebind }) => {
      rebind(TOKENS.TransportProducer).toConstantValue(producer);
    });
    // Started directly: TestDaemon would put its recording producer over this one.
    const running = await new OrderDaemon().start({
      argv: ['--set', 'daemon.logLevel=silent'],
      env: {},
      modules: [module],
    });
    expect(events).toEqual([]);
    await running.stop();
    expect(events).toEqual(['producer closed']);
  });
});
