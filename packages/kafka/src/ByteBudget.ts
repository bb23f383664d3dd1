/**
 * The byte bound on intake (`kafka.maxBufferedBytes`), kept before each fetch rather than after:
 * a fetch brings at most `fetchBytes` (`maxBytesPerPartition`) for each partition it asks for,
 * so bytes held (fetched, not finished) plus `fetchBytes` for every open partition must stay
 * within `maxBytes`. A take that breaks this closes its partition (it just had its turn); a finish
 * that makes room opens the partition that has waited longest, so partitions take turns instead
 * of the first ones in a fetch request always filling it. With nothing held and nothing open one
 * partition opens whatever the bound, so intake never stops: the bound in effect is at least one
 * fetch, plus a record batch larger than `fetchBytes` (brokers send a first batch whole).
 * Works on partition ids; the caller pauses and resumes what it is told.
 */
export class ByteBudget {
  #held = 0;
  #peak = 0;
  /** Partitions a fetch may include, in the order they opened. */
  readonly #open = new Set<string>();
  /** Partitions closed for bytes, longest-waiting first. */
  readonly #waiting = new Set<string>();

  constructor(
    private readonly maxBytes: number,
    private readonly fetchBytes: number,
  ) {}

  /** Bytes fetched and not yet finished. */
  get held(): number {
    return this.#held;
  }

  /** The most bytes held at once since the start. */
  get peak(): number {
    return this.#peak;
  }

  isWaiting(id: string): boolean {
    return this.#waiting.has(id);
  }

  /**
   * A new assignment, holding `heldBytes` from partitions it kept: opens what fits, in the order
   * given, and returns the partitions to pause (the rest).
   */
  assign(ids: readonly string[], heldBytes: number): string[] {
    this.#held = heldBytes;
    this.#open.clear();
    this.#waiting.clear();
    for (const id of ids) {
      if (this.#fits(1)) this.#open.add(id);
      else this.#waiting.add(id);
    }
    return [...this.#waiting];
  }

  /** `id` took `bytes` from a fetch: returns the partitions to pause so the next fetch fits. */
  took(id: string, bytes: number): string[] {
    this.#held += bytes;
    this.#peak = Math.max(this.#peak, this.#held);
    const closed: string[] = [];
    const close = (each: string): void => {
      this.#open.delete(each);
      this.#waiting.add(each);
      closed.push(each);
    };
    if (!this.#fits(0) && this.#open.has(id)) close(id);
    for (const each of this.#open) {
      if (this.#fits(0)) break;
      close(each);
    }
    return closed;
  }

  /** `bytes` finished (or were dropped): returns the partitions to resume now that they fit. */
  finished(bytes: number): string[] {
    this.#held = Math.max(0, this.#held - bytes);
    const opened: string[] = [];
    for (const id of this.#waiting) {
      if (!this.#fits(1)) break;
      this.#waiting.delete(id);
      this.#open.add(id);
      opened.push(id);
    }
    return opened;
  }

  /** Whether `more` partitions can open beside the open ones without the next fetch passing the bound. */
  #fits(more: number): boolean {
    const open = this.#open.size + more;
    if (open <= 1 && this.#held === 0) return true;
    return this.#held + open * this.fetchBytes <= this.maxBytes;
  }
}
