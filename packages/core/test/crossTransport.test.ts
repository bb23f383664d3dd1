import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContainerModule,
  DEAD_LETTER_ATTRIBUTES,
  DestinationRouter,
  MemoryBroker,
  transportProducerToken,
  type OutgoingMessage,
  type RunningDaemon,
  type TransportFactory,
  type TransportProducer,
} from '../src/index.js';
import { OrderBehaviour, OrderDaemon, ORDER, Receipt } from './support/fixtures.js';

/** A producer that remembers what it was asked to send. */
class SentLog implements TransportProducer {
  readonly sent: OutgoingMessage[] = [];
  closed = false;
  async send(message: OutgoingMessage): Promise<string> {
    this.sent.push(message);
    return `id-${this.sent.length}`;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A second transport that is "configured" (it would win the selection) and can publish. */
function fakeTransport(log: SentLog, canPublish = true): TransportFactory {
  return {
    name: 'fake',
    configSections: [],
    flags: [],
    isSelected: () => true,
    module: () => new ContainerModule(() => undefined),
    producerModule: () =>
      canPublish
        ? new ContainerModule(({ bind }) => {
            bind(transportProducerToken('fake')).toConstantValue(log);
          })
        : undefined,
  };
}

let running: RunningDaemon | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function startOnMemory(factory: TransportFactory, argv: string[] = []): Promise<RunningDaemon> {
  const daemon = new (class extends OrderDaemon {
    override readonly transports = [factory];
  })();
  running = await daemon.start({
    argv: ['--transport', 'memory', '--set', 'daemon.logLevel=silent', '--set', 'memory.waitMs=10', ...argv],
    env: {},
  });
  return running;
}

describe('publishing across transports', () => {
  it('--transport picks the consuming transport; a qualified destination goes to that transport’s producer', async () => {
    const log = new SentLog();
    const daemon = await startOnMemory(fakeTransport(log));
    daemon.container.get(OrderBehaviour).run = async (order, context) => {
      await context.producer.produce(Receipt, { orderId: order.id }, { destination: 'fake:receipts' });
      await context.producer.produce(Receipt, { orderId: order.id }, { destination: 'memory:audit' });
    };
    await daemon.producer.produce(ORDER, { id: 'o-1', quantity: 1 });
    await daemon.finished(1);
    expect(daemon.counter.get('succeeded')).toBe(1);
    expect(log.sent.map((message) => [message.destination, message.mediaType])).toEqual([
      ['receipts', 'application/vnd.test.receipt'],
    ]);
    // The consuming transport's own name is stripped too: the receipt waits in the queue `audit`.
    expect(daemon.container.get(MemoryBroker).queue('audit').size).toBe(1);
    await daemon.stop();
    expect(log.closed).toBe(true);
  });

  it('a destination for a transport with no server configured dead-letters the message with a clear reason', async () => {
    const daemon = await startOnMemory(fakeTransport(new SentLog(), false), [
      '--set',
      'consumer.maxAttempts=1',
    ]);
    // Produced from a handler, the receipt is sent once the handler succeeds; that send fails.
    daemon.container.get(OrderBehaviour).run = async (order, context) => {
      await context.producer.produce(Receipt, { orderId: order.id }, { destination: 'fake:receipts' });
    };
    await daemon.producer.produce(ORDER, { id: 'o-2', quantity: 1 });
    await daemon.finished(1);
    const [deadLetter] = daemon.container.get(MemoryBroker).deadLetterQueue('order-daemon').peekAll();
    expect(deadLetter?.attributes[DEAD_LETTER_ATTRIBUTES.reason]).toContain(
      'cannot publish to fake:receipts: the fake transport has no server configured',
    );
  });

  it('an unknown --transport stops the start, naming the key and the choices', async () => {
    const daemon = new (class extends OrderDaemon {
      override readonly transports = [fakeTransport(new SentLog())];
    })();
    await expect(daemon.start({ argv: ['--transport', 'kafak'], env: {} })).rejects.toThrow(
      'daemon.transport: "kafak" is not a transport of this daemon; use one of fake, memory',
    );
  });
});

describe('DestinationRouter', () => {
  const own = new SentLog();
  const router = new DestinationRouter('sqs', own, new Map([['kafka', () => undefined]]));

  it('leaves unqualified names, queue URLs and unknown prefixes to the consuming transport, untouched', async () => {
    for (const destination of [
      'orders',
      'https://sqs.eu-west-1.amazonaws.com/1/q',
      'arn:aws:sns:x',
      undefined,
    ])
      await router.send({ mediaType: 'a/b', body: '{}', attributes: {}, destination });
    expect(own.sent.map((message) => message.destination)).toEqual([
      'orders',
      'https://sqs.eu-west-1.amazonaws.com/1/q',
      'arn:aws:sns:x',
      undefined,
    ]);
  });
});
