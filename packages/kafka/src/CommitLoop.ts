import type { Logger } from 'pino';
import type { ConsumerSession } from './ConsumerSession.js';
import type { PartitionState } from './PartitionState.js';

/**
 * Commits each partition's watermark (its contiguous finished prefix) every interval, on a
 * rebalance signal and at stop. Every commit is true when sent, so a late or repeated one can only
 * cause duplicates, never loss. One commit at a time; a request while one runs is coalesced.
 */
export class CommitLoop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(
    private readonly partitions: () => Iterable<PartitionState>,
    private readonly session: () => ConsumerSession | undefined,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => void this.commitNow(), intervalMs);
  }

  /** Commits what is ready now; resolves when it (and any commit it was coalesced with) is done. */
  async commitNow(): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#commitOnce();
      } while (this.#again);
    })().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
    await this.commitNow();
  }

  async #commitOnce(): Promise<void> {
    const ready = [...this.partitions()].flatMap((state) => {
      const offset = state.tracker.pendingCommit();
      return offset === undefined ? [] : [{ state, offset }];
    });
    const session = this.session();
    if (ready.length === 0 || session === undefined) return;
    try {
      await session.commit(
        ready.map(({ state, offset }) => ({ topic: state.topic, partition: state.partition, offset })),
      );
      for (const { state, offset } of ready) state.tracker.markCommitted(offset);
    } catch (error) {
      // Around a rebalance the group rejects commits; the next assignment starts from the last one.
      this.logger.warn({ err: error }, 'kafka commit failed; finished offsets are committed later');
    }
  }
}
