/**
 * Answers remembered for a short while, one lookup at a time per key: 200 calls made at once to a
 * cold cache cost one broker round trip, not 200. A failed lookup is not remembered.
 */
export class TtlCache<T> {
  readonly #entries = new Map<string, { readonly until: number; readonly value: Promise<T> }>();

  /** `ttlMs(value)`: how long an answer is good for (e.g. shorter for "not found"). */
  constructor(
    private readonly lookup: (key: string) => Promise<T>,
    private readonly ttlMs: (value: T) => number,
  ) {}

  get(key: string): Promise<T> {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.until > Date.now()) return entry.value;
    // Until the lookup settles, its promise answers everyone; then it is kept for its TTL.
    const value = this.lookup(key);
    this.#entries.set(key, { until: Number.POSITIVE_INFINITY, value });
    value.then(
      (answer) => {
        if (this.#entries.get(key)?.value === value)
          this.#entries.set(key, { until: Date.now() + this.ttlMs(answer), value });
      },
      () => {
        if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
      },
    );
    return value;
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}
