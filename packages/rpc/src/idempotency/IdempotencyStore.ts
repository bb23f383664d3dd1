import type { RemoteErrorDetails } from '../errors.js';

/** The answer an idempotent call gave, kept for its retries: the reply's body without its correlation id. */
export interface StoredAnswer {
  readonly result?: Record<string, unknown>;
  readonly error?: RemoteErrorDetails;
}

/** What a daemon finds when it receives an idempotent call. */
export type Claim =
  /** Nobody has run it (or a crashed daemon's claim expired): this daemon runs it. */
  | { readonly kind: 'claimed'; readonly token: string }
  /** Another delivery of it runs now; its answer will reach the caller. */
  | { readonly kind: 'running' }
  /** It ran: send this answer again. */
  | { readonly kind: 'answered'; readonly answer: StoredAnswer };

/**
 * Records which idempotent calls ran and what they answered, by key (`<api>.<method>:<idempotency
 * key>`), so a retried call (the client resent it, or the broker redelivered it) runs once.
 */
export interface IdempotencyStore {
  /** Claims `key` for `leaseMs`, or says who has it or what it answered. */
  claim(key: string, leaseMs: number): Promise<Claim>;
  /** Extends a claim still held with `token`; false when it was lost (expired and taken). */
  renew(key: string, token: string, leaseMs: number): Promise<boolean>;
  /** Records the answer for `ttlMs`, replacing the claim. */
  answer(key: string, answer: StoredAnswer, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}
