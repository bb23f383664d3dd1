import type { ConsumerSession } from './ConsumerSession.js';
import type { PartitionState } from './PartitionState.js';

/**
 * Pauses a partition whose fetched-but-unfinished messages reach its share of `maxBuffered`, and
 * resumes it at 80 % of that (hysteresis). Per partition, so one partition's backlog cannot crowd
 * out the others; a paused partition still heartbeats (kafkajs keeps fetching the rest).
 */
export class Backpressure {
  #pauses = 0;

  constructor(
    private readonly maxBuffered: number,
    private readonly session: () => ConsumerSession | undefined,
  ) {}

  get pauses(): number {
    return this.#pauses;
  }

  update(state: PartitionState): void {
    const session = this.session();
    const bound = Math.max(1, Math.floor(this.maxBuffered / Math.max(1, session?.assigned.length ?? 1)));
    if (!state.paused && state.held >= bound) {
      state.paused = true;
      this.#pauses += 1;
      session?.pause([state]);
    } else if (state.paused && state.held <= bound * 0.8) {
      state.paused = false;
      session?.resume([state]);
    }
  }
}
