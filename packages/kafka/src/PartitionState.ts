import { OffsetTracker } from './OffsetTracker.js';

/** One assigned partition in one assignment epoch: its offsets, attempts and intake. */
export class PartitionState {
  readonly tracker = new OffsetTracker();
  /** Failed attempts per offset; the next delivery's `attempt` is this plus one. */
  readonly #failures = new Map<number, number>();
  /** Fetched and not yet finished (buffered, in flight or waiting for a retry). */
  held = 0;
  /** Paused for backpressure. */
  paused = false;
  /** The partition's end offset as of the last fetch (for the lag metric). */
  highWatermark = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly epoch: number,
  ) {}

  register(offset: number): boolean {
    const fresh = this.tracker.register(offset);
    if (fresh) this.held += 1;
    return fresh;
  }

  attemptOf(offset: number): number {
    return (this.#failures.get(offset) ?? 0) + 1;
  }

  countFailure(offset: number): void {
    this.#failures.set(offset, (this.#failures.get(offset) ?? 0) + 1);
  }

  finish(offset: number): void {
    if (!this.tracker.isUnfinished(offset)) return;
    this.tracker.finish(offset);
    this.#failures.delete(offset);
    this.held -= 1;
  }
}
