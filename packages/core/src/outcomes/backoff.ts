export interface BackoffPolicy {
  /** Delay before the second attempt, in seconds. */
  baseSeconds: number;
  /** Largest delay, in seconds. */
  maxSeconds: number;
}

/**
 * "Full jitter" exponential backoff: a uniform random delay in [0, min(max, base·2^(attempt-1))].
 * Spreading retries this way keeps a burst of failures from coming back as a burst.
 */
export function fullJitterDelaySeconds(attempt: number, policy: BackoffPolicy, random = Math.random): number {
  // Cap the exponent: 2 ** 1024 is Infinity, and 0 * Infinity would make the delay NaN.
  const growth = 2 ** Math.min(Math.max(0, attempt - 1), 64);
  const ceiling = Math.min(policy.maxSeconds, policy.baseSeconds * growth);
  return Math.round(random() * ceiling * 1000) / 1000;
}
