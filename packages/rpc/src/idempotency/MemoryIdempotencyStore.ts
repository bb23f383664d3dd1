import { randomUUID } from 'node:crypto';
import type { Claim, IdempotencyStore, StoredAnswer } from './IdempotencyStore.js';

type Entry =
  | { readonly kind: 'running'; readonly token: string; expiresAt: number }
  | { readonly kind: 'answered'; readonly answer: StoredAnswer; readonly expiresAt: number };

/**
 * The idempotency store of one process: enough when one daemon serves the API (its retries and
 * redeliveries reach it). Bounded: past `maxEntries` the oldest entries go first.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(key: string, leaseMs: number): Promise<Claim> {
    const entry = this.#live(key);
    if (entry?.kind === 'answered') return { kind: 'answered', answer: entry.answer };
    if (entry?.kind === 'running') return { kind: 'running' };
    const token = randomUUID();
    this.#set(key, { kind: 'running', token, expiresAt: this.now() + leaseMs });
    return { kind: 'claimed', token };
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    const entry = this.#live(key);
    if (entry?.kind !== 'running' || entry.token !== token) return false;
    entry.expiresAt = this.now() + leaseMs;
    return true;
  }

  async answer(key: string, answer: StoredAnswer, ttlMs: number): Promise<void> {
    this.#set(key, { kind: 'answered', answer, expiresAt: this.now() + ttlMs });
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.expiresAt > this.now()) return entry;
    this.#entries.delete(key);
    return undefined;
  }

  #set(key: string, entry: Entry): void {
    // Re-inserted at the end: the Map's order is the eviction order (oldest first).
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
    }
  }
}
