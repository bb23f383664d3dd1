/**
 * Many timeouts of one fixed delay on a single timer. Every item is due `delayMs` after it was
 * scheduled, so the order of scheduling is the order of expiry: a Map in insertion order is the
 * whole queue, and only the earliest entry needs a timer. Scheduling and cancelling are O(1); a
 * handler timeout or a lease extension per message costs no timer of its own.
 */
export class FixedDelayTimers<T> {
  readonly #due = new Map<T, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly delayMs: number,
    private readonly onDue: (item: T) => void,
  ) {}

  /** `item` becomes due `delayMs` from now (rescheduling moves it to the back). */
  schedule(item: T): void {
    this.#due.delete(item);
    this.#due.set(item, performance.now() + this.delayMs);
    if (this.#timer === undefined) this.#arm(this.delayMs);
  }

  cancel(item: T): void {
    if (!this.#due.delete(item) || this.#due.size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  get size(): number {
    return this.#due.size;
  }

  /** Drops every entry and the timer. */
  clear(): void {
    this.#due.clear();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    clearTimeout(this.#timer);
    // Unref'd: a pending timeout alone must not keep a stopped process alive.
    this.#timer = setTimeout(this.#fire, Math.max(0, ms));
    this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    for (const [item, due] of this.#due) {
      if (due > now) {
        this.#arm(due - now);
        return;
      }
      this.#due.delete(item);
      this.onDue(item);
    }
  };
}
