/**
 * One partition's offsets as fetched and finished. Commits the contiguous finished prefix ("low
 * watermark"): the committed offset W means every fetched offset below W has finished, so a commit
 * can cause duplicates after a crash but never loss. Offsets the broker skipped (compaction,
 * transaction markers) were never registered and count as finished. What finished above W (keyed
 * and unordered modes finish out of order) is listed by `finishedAbove`, for the commit metadata.
 */
export class OffsetTracker {
  /** Unfinished offsets; registration is ascending, so iteration is ascending too. */
  readonly #unfinished = new Set<number>();
  /** One past the highest registered offset (undefined until the first registration). */
  #next: number | undefined;
  #lastCommitted: { offset: number; metadata: string | null } | undefined;

  /** Records a fetched offset; false if it was registered before (a re-fetch after a rejoin). */
  register(offset: number): boolean {
    if (this.#next !== undefined && offset < this.#next) return false;
    this.#unfinished.add(offset);
    this.#next = offset + 1;
    return true;
  }

  /** The offset's message has its final outcome (handled, skipped or dead-lettered). */
  finish(offset: number): void {
    this.#unfinished.delete(offset);
  }

  isUnfinished(offset: number): boolean {
    return this.#unfinished.has(offset);
  }

  get unfinishedCount(): number {
    return this.#unfinished.size;
  }

  /** One past the highest registered offset, if any was. */
  get next(): number | undefined {
    return this.#next;
  }

  /** The offset to commit: the lowest unfinished one, else one past the highest registered. */
  get watermark(): number | undefined {
    for (const lowest of this.#unfinished) return lowest;
    return this.#next;
  }

  /** The registered range above the watermark that finished, as ascending `[from, to)` ranges. */
  finishedAbove(): Array<[number, number]> {
    const ranges: Array<[number, number]> = [];
    if (this.#next === undefined) return ranges;
    let previous: number | undefined;
    for (const offset of this.#unfinished) {
      if (previous !== undefined && offset > previous + 1) ranges.push([previous + 1, offset]);
      previous = offset;
    }
    if (previous !== undefined && this.#next > previous + 1) ranges.push([previous + 1, this.#next]);
    return ranges;
  }

  /** Whether `offset` with `metadata` differs from what the last successful commit sent. */
  changedSinceCommit(offset: number, metadata: string | null): boolean {
    const last = this.#lastCommitted;
    return last === undefined || last.offset !== offset || last.metadata !== metadata;
  }

  /** The watermark if it moved since the last successful commit, else undefined. */
  pendingCommit(): number | undefined {
    const watermark = this.watermark;
    return watermark !== undefined && watermark !== this.#lastCommitted?.offset ? watermark : undefined;
  }

  markCommitted(offset: number, metadata: string | null = null): void {
    if (this.#lastCommitted === undefined || offset >= this.#lastCommitted.offset)
      this.#lastCommitted = { offset, metadata };
  }
}
