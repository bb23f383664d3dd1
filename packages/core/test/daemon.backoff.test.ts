import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { Order, startOrderDaemon, stopOrderDaemons } from './support/fixtures.js';

afterEach(stopOrderDaemons);

const push = (map: Map<string, number[]>, key: string, value: number): void => {
  map.set(key, [...(map.get(key) ?? []), value]);
};

describe('full-jitter backoff in a running daemon', () => {
  it('brings a failed message back after a random delay in [0, min(cap, base·2^(attempt-1))]', async () => {
    // base 0.3 s, cap 0.4 s: after attempt 1 up to 0.3 s, after attempt 2 up to 0.4 s (0.6 capped).
    const ceilings = [0.3, 0.4];
    const startedAt = new Map<string, number[]>(); // by message id, one time per attempt
    const delays = new Map<string, number[]>(); // by message id, one delay per failure
    const { daemon } = await startOrderDaemon(
      (_, context) => {
        push(startedAt, context.messageId, Date.now());
        if (context.attempt <= 2) throw new Error('database went away');
      },
      ['--set', 'consumer.backoffBaseSeconds=0.3', '--set', 'consumer.backoffMaxSeconds=0.4'],
    );
    daemon.running.counter.onRecord(({ messageId, outcome }) => {
      if (outcome.kind === 'failed') push(delays, messageId, outcome.delaySeconds ?? NaN);
    });
    const ids = Array.from({ length: 8 }, (_, index) => `o-${index}`);
    const outcomes = await Promise.all(ids.map((id) => daemon.publishAndWait(Order, { id, quantity: 1 })));

    expect(outcomes.every((outcome) => outcome.kind === 'succeeded')).toBe(true);
    expect(delays.size).toBe(ids.length);
    for (const [messageId, chosen] of delays) {
      const times = startedAt.get(messageId) ?? [];
      expect(chosen).toHaveLength(2);
      expect(times).toHaveLength(3);
      for (const [index, delay] of chosen.entries()) {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceilings[index]!);
        // The redelivery waited for the delay (timer slack below, a loaded machine above).
        const gap = times[index + 1]! - times[index]!;
        expect(gap).toBeGreaterThanOrEqual(delay * 1000 - 20);
        expect(gap).toBeLessThanOrEqual(delay * 1000 + 2000);
      }
    }
    // Jittered: the delays after the first failure are not one fixed value.
    expect(new Set([...delays.values()].map((chosen) => chosen[0])).size).toBeGreaterThan(1);
  });
});
