/**
 * How many messages the runner holds, against its concurrency. The poll loop asks for room and is
 * woken only once a low-watermark of permits is free again, so a full runner receives in batches
 * instead of one message each time a handler finishes.
 */
export class PermitGate {
  #held = 0;
  readonly #refillAt: number;
  readonly #roomWaiters = new Set<() => void>();
  readonly #progressWaiters = new Set<() => void>();
  readonly #watched = new WeakSet<AbortSignal>();

  constructor(readonly capacity: number) {
    // An eighth of the capacity, at most 10 (an SQS receive's batch): the runner stays at least
    // ~90 % busy while receives stay batched.
    this.#refillAt = Math.min(10, Math.max(1, Math.floor(capacity / 8)));
  }

  get held(): number {
    return this.#held;
  }

  get room(): number {
    return this.capacity - this.#held;
  }

  take(count: number): void {
    this.#held += count;
  }

  /** One held message is done. */
  release(): void {
    this.#held -= 1;
    if (this.room >= this.#refillAt || this.#held === 0) wakeAll(this.#roomWaiters);
    wakeAll(this.#progressWaiters);
  }

  /**
   * Resolves once the low-watermark of room is free (at once if it is), or when `signal` aborts.
   * One abort listener per signal, not one per wait: the poll loop waits here for every batch.
   */
  waitForRoom(signal: AbortSignal): Promise<void> {
    if (this.room >= this.#refillAt || signal.aborted) return Promise.resolve();
    if (!this.#watched.has(signal)) {
      this.#watched.add(signal);
      signal.addEventListener('abort', () => wakeAll(this.#roomWaiters), { once: true });
    }
    return new Promise((resolve) => {
      const done = (): void => {
        this.#roomWaiters.delete(done);
        resolve();
      };
      this.#roomWaiters.add(done);
    });
  }

  /** Resolves when a held message is done, or after `maxMs`. */
  waitForProgress(maxMs: number): Promise<void> {
    return this.#wait(this.#progressWaiters, AbortSignal.timeout(Math.max(1, Math.ceil(maxMs))));
  }

  #wait(waiters: Set<() => void>, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function wakeAll(waiters: Set<() => void>): void {
  for (const wake of [...waiters]) wake();
}
