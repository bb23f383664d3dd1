import { describe, expect, it } from 'vitest';
import { fullJitterDelaySeconds, type BackoffPolicy } from '../src/outcomes/backoff.js';

const policy: BackoffPolicy = { baseSeconds: 1, maxSeconds: 300 };
const always = (value: number) => (): number => value;

describe('fullJitterDelaySeconds', () => {
  it('the ceiling doubles with each attempt, starting at the base', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => fullJitterDelaySeconds(attempt, policy, always(1)))).toEqual([
      1, 2, 4, 8, 16,
    ]);
  });

  it('scales with the base', () => {
    expect(fullJitterDelaySeconds(3, { baseSeconds: 0.5, maxSeconds: 300 }, always(1))).toBe(2);
  });

  it('never exceeds maxSeconds', () => {
    expect(fullJitterDelaySeconds(10, policy, always(1))).toBe(300);
    expect(fullJitterDelaySeconds(10, { baseSeconds: 1, maxSeconds: 5 }, always(1))).toBe(5);
  });

  it('stays at maxSeconds for very large attempt numbers', () => {
    expect(fullJitterDelaySeconds(5000, policy, always(1))).toBe(300);
  });

  it('is the random fraction of the ceiling', () => {
    expect(fullJitterDelaySeconds(4, policy, always(0.25))).toBe(2);
    expect(fullJitterDelaySeconds(4, policy, always(0.5))).toBe(4);
  });

  it('is 0 when random() is 0', () => {
    expect(fullJitterDelaySeconds(7, policy, always(0))).toBe(0);
  });

  it('treats attempt 0 or below like attempt 1', () => {
    expect(fullJitterDelaySeconds(0, policy, always(1))).toBe(1);
    expect(fullJitterDelaySeconds(-3, policy, always(1))).toBe(1);
  });

  it('rounds to whole milliseconds', () => {
    expect(fullJitterDelaySeconds(1, policy, always(0.123456))).toBe(0.123);
    expect(fullJitterDelaySeconds(1, policy, always(0.9999))).toBe(1);
  });

  it('calls random once per delay', () => {
    let calls = 0;
    fullJitterDelaySeconds(2, policy, () => {
      calls += 1;
      return 0.5;
    });
    expect(calls).toBe(1);
  });

  it('is always within [0, ceiling] for random() in [0, 1)', () => {
    for (const fraction of [0, 0.1, 0.5, 0.999_999]) {
      for (const attempt of [1, 2, 3, 9, 20]) {
        const delay = fullJitterDelaySeconds(attempt, policy, always(fraction));
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(300, 2 ** (attempt - 1)));
      }
    }
  });

  it('a base of 0 means no delay, at any attempt', () => {
    const noDelay = { baseSeconds: 0, maxSeconds: 300 };
    for (const attempt of [1, 10, 1024, 1025, 5000]) {
      expect(fullJitterDelaySeconds(attempt, noDelay, always(0.5))).toBe(0);
    }
  });

  it('uses Math.random by default', () => {
    const delay = fullJitterDelaySeconds(3, policy);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(4);
  });
});
