import {
  burst,
  closeWhileReceiving,
  deadLetter,
  extendLease,
  nackWithDelay,
  orderPerKey,
  producerSends,
  receiveAndAck,
  redeliveryAfterCrash,
  release,
  type ConformanceCase,
} from './cases.js';
import { ConformanceRun } from './ConformanceRun.js';
import type { TransportUnderTest } from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Registers the transport conformance suite as vitest tests (vitest is the test runner here): call
 * it at the top level of a vitest test file, `await transportConformance({ … })`. Each test gets a
 * fresh queue from `subject.createQueue()` and closes what it opened. Cases a capability rules out
 * are registered as skipped, their name saying why.
 *
 * vitest is imported here, when the suite is registered, not when `@switchyard/core/testing` is
 * loaded: a service testing with `TestDaemon` under another runner does not need vitest installed.
 */
export async function transportConformance(subject: TransportUnderTest): Promise<void> {
  const { describe, expect, it } = await import('vitest');
  const timeoutMs = subject.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { capabilities } = subject;
  // Generous per test: a case makes several bounded waits, each of which fails on its own first.
  const testTimeout = timeoutMs * 4;
  const register = (name: string, run: ConformanceCase, unsupported?: string): void => {
    if (unsupported !== undefined) {
      it.skip(`${name} (not promised: ${unsupported})`, () => undefined);
      return;
    }
    it(
      name,
      async () => {
        const conformance = new ConformanceRun(await subject.createQueue(), timeoutMs);
        try {
          await run(conformance, subject, expect);
        } finally {
          await conformance.dispose();
        }
      },
      testTimeout,
    );
  };

  describe(`transport conformance: ${subject.name}`, () => {
    register('receive and ack: received with its attributes at attempt 1, gone once acked', receiveAndAck);
    register(
      'nack with a delay: back not before the delay, as the next attempt; nack(0) at once',
      nackWithDelay,
    );
    register(
      capabilities.leases
        ? 'extend: a leased message is not delivered again while its lease is extended'
        : 'extend: accepted, and the message is not delivered again while in flight',
      extendLease,
    );
    register(
      'dead-letter: a copy with the reason and attempts, the original gone (or kept, with why)',
      deadLetter,
    );
    register(
      capabilities.supportsRelease
        ? 'release: back at once without spending an attempt'
        : 'release: not offered (the daemon hands messages back with nack(0))',
      release,
    );
    register(
      'crash: a message received but never acked is delivered again to a new consumer',
      redeliveryAfterCrash,
      capabilities.redeliversAfterCrash ? undefined : 'redeliversAfterCrash is false',
    );
    register(
      'order per key: messages of a key are received in publish order',
      orderPerKey,
      capabilities.ordersByKey ? undefined : 'ordersByKey is false',
    );
    register('close while a receive waits: both resolve promptly, nothing lost', closeWhileReceiving);
    register(`burst: ${subject.burstSize ?? 50} messages each received once, with acks`, burst);
    register('producer: a sent message is received with its media type and attributes', producerSends);
  });
}
