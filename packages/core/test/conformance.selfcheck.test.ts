import { describe, expect, it } from 'vitest';
import { MemoryBroker, MemoryProducer, MemoryTransport, type Transport } from '../src/index.js';
import {
  burst,
  closeWhileReceiving,
  deadLetter,
  extendLease,
  nackWithDelay,
  orderPerKey,
  receiveAndAck,
  redeliveryAfterCrash,
  release,
  type ConformanceCase,
} from '../src/testing/conformance/cases.js';
import { ConformanceRun } from '../src/testing/conformance/ConformanceRun.js';
import type { ConformanceCapabilities, TransportUnderTest } from '../src/testing/conformance/types.js';

/**
 * The suite must fail a transport that breaks the contract: each case runs against the embedded
 * bus with one promise broken, and must reject naming what went wrong.
 */
const capabilities: ConformanceCapabilities = {
  ordersByKey: true,
  supportsRelease: false,
  leases: true,
  redeliversAfterCrash: true,
};

/** A memory transport (1 s leases, 20 s receive wait) with some of its methods replaced. */
function broken(
  override: (inner: MemoryTransport) => Partial<Transport>,
  promises = capabilities,
): TransportUnderTest {
  return {
    name: 'broken memory',
    capabilities: promises,
    timeoutMs: 2500,
    promptMs: 1000,
    createQueue: async () => {
      const broker = new MemoryBroker({ visibilityTimeoutSeconds: 1 });
      const queue = broker.queue('broken');
      return {
        transport: () => {
          const inner = new MemoryTransport(broker, 'broken', 20_000);
          const transport: Transport = {
            name: 'broken',
            leaseSeconds: inner.leaseSeconds,
            receive: (max, signal) => inner.receive(max, signal),
            ack: (message) => inner.ack(message),
            nack: (message, seconds) => inner.nack(message, seconds),
            extend: (message, seconds) => inner.extend(message, seconds),
            deadLetter: (message, details) => inner.deadLetter(message, details),
            close: () => inner.close(),
            ...override(inner),
          };
          return transport;
        },
        producer: () => new MemoryProducer(broker, 'broken'),
        publish: async (messages) => {
          for (const { body, key, attributes } of messages) queue.send(body, { ...attributes }, { key });
        },
        remaining: async () => queue.size,
        deadLetters: async () =>
          broker
            .deadLetterQueue('broken')
            .peekAll()
            .map(({ body, attributes }) => ({ body: String(body), attributes })),
      };
    },
  };
}

async function failure(subject: TransportUnderTest, run: ConformanceCase): Promise<string> {
  const conformance = new ConformanceRun(await subject.createQueue(), subject.timeoutMs!);
  try {
    await run(conformance, subject, expect);
  } catch (error) {
    return (error as Error).message;
  } finally {
    await conformance.dispose();
  }
  throw new Error('the case passed a broken transport');
}

describe('the conformance suite fails a transport that breaks the contract', () => {
  it('an ack that deletes nothing', async () => {
    const message = await failure(
      broken(() => ({ ack: async () => undefined })),
      receiveAndAck,
    );
    expect(message).toMatch(/until 0 message\(s\) remain on the queue .*; last: 1/);
  });

  it('a nack that ignores its delay', async () => {
    const subject = broken((inner) => ({ nack: (received) => inner.nack(received, 0) }));
    expect(await failure(subject, nackWithDelay)).toMatch(/after a nack of 1 s/);
  });

  it('an extend that does nothing', async () => {
    const message = await failure(
      broken(() => ({ extend: async () => undefined })),
      extendLease,
    );
    expect(message).toMatch(/delivered again while its lease was extended/);
  });

  it('a dead letter without its reason', async () => {
    const subject = broken((inner) => ({
      deadLetter: (received, details) => inner.deadLetter(received, { ...details, reason: '' }),
    }));
    expect(await failure(subject, deadLetter)).toMatch(/the reason on the copy/);
  });

  it('a dead letter kept without saying why', async () => {
    const subject = broken((inner) => ({
      deadLetter: async (received) => {
        await inner.nack(received, 60);
        return { kind: 'kept', why: '' };
      },
    }));
    expect(await failure(subject, deadLetter)).toMatch(/a kept result says why/);
  });

  it('a kept dead letter that deletes the message', async () => {
    const subject = broken((inner) => ({
      deadLetter: async (received) => {
        await inner.ack(received);
        return { kind: 'kept', why: 'no dead-letter destination' };
      },
    }));
    expect(await failure(subject, deadLetter)).toMatch(/until 1 message\(s\) remain .*; last: 0/);
  });

  it('a receive that hands a batch out of order', async () => {
    const subject = broken((inner) => ({
      receive: async (max, signal) => (await inner.receive(max, signal)).reverse(),
    }));
    expect(await failure(subject, orderPerKey)).toMatch(/key a: receive order/);
  });

  it('a receive that hands each message out twice', async () => {
    const subject = broken((inner) => ({
      receive: async (max, signal) =>
        (await inner.receive(max, signal)).flatMap((message) => [message, message]),
    }));
    expect(await failure(subject, burst)).toMatch(/received more than once/);
  });

  it('a release that spends an attempt', async () => {
    const subject = broken((inner) => ({ release: (received) => inner.nack(received, 0) }), {
      ...capabilities,
      supportsRelease: true,
    });
    expect(await failure(subject, release)).toMatch(/a release spends no attempt/);
  });

  it('a release offered although supportsRelease is false', async () => {
    const subject = broken((inner) => ({ release: (received) => inner.nack(received, 0) }));
    expect(await failure(subject, release)).toMatch(/release is offered, but supportsRelease is false/);
  });

  it('a receive that waits out its poll after the abort', async () => {
    const subject = broken((inner) => ({
      receive: (max) => inner.receive(max, new AbortController().signal),
    }));
    expect(await failure(subject, closeWhileReceiving)).toMatch(
      /the waiting receive resolving .* did not happen/,
    );
  });

  it('a message that never comes back after a crash', async () => {
    // Its lease never ends: what a transport that loses in-flight messages looks like.
    const subject = broken((inner) => ({
      receive: async (max, signal) => {
        const received = await inner.receive(max, signal);
        await Promise.all(received.map((message) => inner.extend(message, 3600)));
        return received;
      },
    }));
    expect(await failure(subject, redeliveryAfterCrash)).toMatch(/timed out .* "crash-.*" is received/);
  });
});
