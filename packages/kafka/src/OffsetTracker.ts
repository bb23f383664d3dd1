/**
 * One partition's offsets as fetched and finished. Commits only the contiguous finished prefix
 * ("low watermark"): the committed offset W means every fetched offset below W has finished, so a
 * commit can cause duplicates after a crash but never loss. Offsets the broker skipped (compaction,
 * transaction markers) were never registered and count as finished.
 */
export class OffsetTracker {
  /** Unfinished offsets; registration is ascending, so the first entry is the lowest. */
  readonly #unfinished = new Set<number>();
  /** One past the highest registered offset (undefined until the first registration). */
  #next: number | undefined;
  #lastCommitted: number | undefined;

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

  /** The offset to commit: the lowest unfinished one, else one past the highest registered. */
  get watermark(): number | undefined {
    for (const lowest of this.#unfinished) return lowest;
    return this.#next;
  }

  /** The watermark if it moved since the last successful commit, else undefined. */
  pendingCommit(): number | undefined {
    const watermark = this.watermark;
    return watermark !== undefined && watermark !== this.#lastCommitted ? watermark : undefined;
  }

  markCommitted(offset: number): void {
    if (this.#lastCommitted === undefined || offset > this.#lastCommitted) this.#lastCommitted = offset;
  }
}
