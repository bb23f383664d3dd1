/**
 * The byte bound on intake (`kafka.maxBufferedBytes`), kept before each fetch rather than after:
 * a fetch brings at most `fetchBytes` (`maxBytesPerPartition`) for each partition it asks for,
 * so bytes held (fetched, not finished) plus `fetchBytes` for every open partition must stay
 * within `maxBytes`. A take that breaks this closes its partition (it just had its turn, and
 * closing it alone restores the sum); a finish that makes room opens the partition that has
 * waited longest, so partitions take turns instead of the first ones in a fetch request always
 * filling it. An open partition that brought nothing in a whole fetch (it has caught up) gives its
 * place to a waiting one at the next fetch start, so an idle partition cannot hold the room for
 * ever. Closing is always safe: kafkajs drops what a fetch in flight brings for a paused partition.
 * With nothing held and nothing open one partition opens whatever the bound, so intake never
 * stops: the bound in effect is at least one fetch, plus a record batch larger than `fetchBytes`
 * (brokers send a first batch whole). Works on partition ids; the caller pauses and resumes them.
 */
export class ByteBudget {
  #held = 0;
  #peak = 0;
  /** Partitions a fetch may include, each with the fetch starts seen since it opened or took. */
  readonly #open = new Map<string, number>();
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
      if (this.#fits(1)) this.#open.set(id, 0);
      else this.#waiting.add(id);
    }
    return [...this.#waiting];
  }

  /** `id` took `bytes` from a fetch: returns the partitions to pause so the next fetch fits. */
  took(id: string, bytes: number): string[] {
    this.#held += bytes;
    this.#peak = Math.max(this.#peak, this.#held);
    if (!this.#open.has(id)) return [];
    this.#open.set(id, 0);
    if (this.#fits(0)) return [];
    this.#close(id);
    return [id];
  }

  /** `bytes` finished (or were dropped): returns the partitions to resume now that they fit. */
  finished(bytes: number): string[] {
    this.#held = Math.max(0, this.#held - bytes);
    return this.#openWaiting();
  }

  /**
   * A fetch is about to be sent (kafkajs's FETCH_START, before it builds the request; the last
   * fetch's batches were all handed over by then). Open partitions that brought nothing since the
   * fetch before the last give their place to waiting ones.
   */
  fetchStarting(): { pause: string[]; resume: string[] } {
    const idle: string[] = [];
    for (const [id, starts] of this.#open) {
      this.#open.set(id, starts + 1);
      if (starts + 1 >= 2) idle.push(id);
    }
    if (this.#waiting.size === 0 || idle.length === 0) return { pause: [], resume: this.#openWaiting() };
    for (const id of idle) this.#close(id);
    const resume = this.#openWaiting();
    // Room for more than the waiting ones: the idle partitions that fit stay open after all.
    const pause = idle.filter((id) => !this.#open.has(id));
    return { pause, resume: resume.filter((id) => !idle.includes(id)) };
  }

  #close(id: string): void {
    this.#open.delete(id);
    this.#waiting.add(id);
  }

  #openWaiting(): string[] {
    const opened: string[] = [];
    for (const id of this.#waiting) {
      if (!this.#fits(1)) break;
      this.#waiting.delete(id);
      this.#open.set(id, 0);
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
