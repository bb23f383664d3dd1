import { encodeProgress, type EncodedProgress, type PartitionProgress } from './commitMetadata.js';
import { OffsetTracker } from './OffsetTracker.js';

/** What `register` made of a fetched offset. */
export type Registration = 'fresh' | 'seen' | 'finished';

/** One assigned partition in one assignment epoch: its offsets, attempts and intake. */
export class PartitionState {
  readonly tracker = new OffsetTracker();
  /** Failed attempts per offset; the next delivery's `attempt` is this plus one. */
  readonly #failures = new Map<number, number>();
  /**
   * From the committed metadata, for offsets not registered yet: the ranges that finished in an
   * earlier process (ascending) and the failures counted there. Registration consumes them.
   */
  #restoredFinished: Array<[number, number]> = [];
  #restoredFailures = new Map<number, number>();
  /** Whether the committed metadata was read (or there was none to read) before the first fetch. */
  restored = false;
  /** Fetched and not yet finished (buffered, in flight or waiting for a retry). */
  held = 0;
  /** The bytes of those (see KafkaDelivery.bytes). */
  heldBytes = 0;
  /** Paused for backpressure. */
  paused = false;
  /** The partition's end offset as of the last fetch (for the lag metric). */
  highWatermark = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly epoch: number,
  ) {}

  /** Takes over what the committed metadata recorded (before the first registration). */
  restore(progress: PartitionProgress | undefined): void {
    this.restored = true;
    if (progress === undefined) return;
    this.#restoredFinished = progress.finished.map(([from, to]) => [from, to]);
    this.#restoredFailures = new Map(progress.failures);
  }

  /**
   * `fresh`: a new offset to deliver; `seen`: registered before (a re-fetch); `finished`: finished
   * by an earlier process (recorded in the committed metadata), so counted finished without a run.
   */
  register(offset: number, bytes: number): Registration {
    if (!this.tracker.register(offset)) return 'seen';
    const restored = this.#consumeRestored(offset);
    if (restored) {
      this.tracker.finish(offset);
      return 'finished';
    }
    this.held += 1;
    this.heldBytes += bytes;
    return 'fresh';
  }

  attemptOf(offset: number): number {
    return (this.#failures.get(offset) ?? 0) + 1;
  }

  countFailure(offset: number): void {
    this.#failures.set(offset, (this.#failures.get(offset) ?? 0) + 1);
  }

  /** Whether `offset` was unfinished (its `bytes` then no longer count as held). */
  finish(offset: number, bytes: number): boolean {
    if (!this.tracker.isUnfinished(offset)) return false;
    this.tracker.finish(offset);
    this.#failures.delete(offset);
    this.held -= 1;
    this.heldBytes -= bytes;
    return true;
  }

  /**
   * The commit due for this partition, if it changed since the last one: the watermark and, in
   * at most `maxMetadataBytes`, what finished above it and the failures of what did not.
   */
  pendingCommit(maxMetadataBytes: number): ({ offset: number } & EncodedProgress) | undefined {
    const offset = this.tracker.watermark;
    if (offset === undefined) return undefined;
    const encoded = encodeProgress(offset, this.progress(), maxMetadataBytes);
    return this.tracker.changedSinceCommit(offset, encoded.metadata) ? { offset, ...encoded } : undefined;
  }

  /** Finished offsets above the watermark and failure counts, this process's and restored ones. */
  progress(): PartitionProgress {
    const failures = new Map(this.#restoredFailures);
    for (const [offset, count] of this.#failures) failures.set(offset, count);
    return { finished: [...this.tracker.finishedAbove(), ...this.#restoredFinished], failures };
  }

  /**
   * Whether an earlier process finished `offset`; drops restored entries at or below it (an offset
   * below the one fetched was compacted away or is before the fetch position: nothing to skip).
   * A fresh offset takes over its restored failure count.
   */
  #consumeRestored(offset: number): boolean {
    const failed = this.#restoredFailures.get(offset);
    if (failed !== undefined) this.#failures.set(offset, failed);
    for (const restored of this.#restoredFailures.keys())
      if (restored <= offset) this.#restoredFailures.delete(restored);
    let finished = false;
    while (this.#restoredFinished.length > 0) {
      const first = this.#restoredFinished[0]!;
      if (first[0] > offset) break;
      if (first[1] > offset) {
        finished = true;
        if (first[1] === offset + 1) this.#restoredFinished.shift();
        else first[0] = offset + 1;
        break;
      }
      this.#restoredFinished.shift();
    }
    if (finished) this.#failures.delete(offset);
    return finished;
  }
}
