import type { Logger } from 'pino';
import { DEFAULT_METADATA_MAX_BYTES } from './commitMetadata.js';
import type { ConsumerSession } from './ConsumerSession.js';
import type { PartitionState } from './PartitionState.js';

/**
 * Commits each partition's watermark (its contiguous finished prefix) with, in the commit's
 * metadata, what finished above it and the failure counts of what did not (see commitMetadata.ts):
 * `delayMs` after a finish or a failure (`soon`), every interval (a retry after a failed commit),
 * on a rebalance signal and at stop. What a crash redoes is what finished since the last commit
 * landed, so the delay is short; finishes within it share one commit, so there are at most about
 * 1000 / `delayMs` commits a second however fast messages finish. Every commit is true when sent,
 * so a late or repeated one can only cause duplicates, never loss. One commit at a time; a request
 * while one runs is coalesced. A partition is committed again when its watermark or metadata changed.
 */
export class CommitLoop {
  #timer: NodeJS.Timeout | undefined;
  #soon: NodeJS.Timeout | undefined;
  #stopped = false;
  #running: Promise<void> | undefined;
  #again = false;
  #maxMetadataBytes: number;
  /** Commits whose metadata was cut to fit (or refused by the broker as too large). */
  metadataOverflows = 0;
  /** Commit requests sent to the brokers (for the figures: commits per second). */
  commits = 0;

  constructor(
    private readonly partitions: () => Iterable<PartitionState>,
    private readonly session: () => ConsumerSession | undefined,
    private readonly logger: Logger,
    maxMetadataBytes = DEFAULT_METADATA_MAX_BYTES,
    private readonly delayMs = 0,
  ) {
    this.#maxMetadataBytes = maxMetadataBytes;
  }

  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => void this.commitNow(), intervalMs);
  }

  /**
   * Something to commit changed (an offset finished, a failure was counted): commit within
   * `delayMs`. Later changes before then ride on the same commit.
   */
  soon(): void {
    if (this.#soon !== undefined || this.#stopped) return;
    this.#soon = setTimeout(() => {
      this.#soon = undefined;
      void this.commitNow();
    }, this.delayMs);
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
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#soon);
    this.#soon = undefined;
    await this.#running;
    await this.commitNow();
  }

  async #commitOnce(): Promise<void> {
    const ready = [...this.partitions()].flatMap((state) => {
      const commit = state.pendingCommit(this.#maxMetadataBytes);
      return commit === undefined ? [] : [{ state, ...commit }];
    });
    const session = this.session();
    if (ready.length === 0 || session === undefined) return;
    const cut = ready.filter(({ complete }) => !complete);
    if (cut.length > 0) {
      this.metadataOverflows += cut.length;
      this.logger.debug(
        { partitions: cut.map(({ state }) => `${state.topic}/${state.partition}`) },
        'the finished-offset map does not fit the commit metadata; part of it may run again after a restart',
      );
    }
    try {
      this.commits += 1;
      await session.commit(
        ready.map(({ state, offset, metadata }) => ({
          topic: state.topic,
          partition: state.partition,
          offset,
          metadata,
        })),
      );
      for (const { state, offset, metadata } of ready) state.tracker.markCommitted(offset, metadata);
    } catch (error) {
      if (isMetadataTooLarge(error) && this.#maxMetadataBytes > 0) {
        // The broker's offset.metadata.max.bytes is below ours: halve ours and commit again.
        this.#maxMetadataBytes = Math.floor(this.#maxMetadataBytes / 2);
        this.metadataOverflows += ready.length;
        this.logger.warn(
          { maxMetadataBytes: this.#maxMetadataBytes },
          'the broker refused the commit metadata as too large; using a smaller limit',
        );
        this.#again = true;
        return;
      }
      // Around a rebalance the group rejects commits; the next assignment starts from the last one.
      this.logger.warn({ err: error }, 'kafka commit failed; finished offsets are committed later');
    }
  }
}

function isMetadataTooLarge(error: unknown): boolean {
  const { type, originalError } = error as { type?: string; originalError?: { type?: string } };
  return type === 'OFFSET_METADATA_TOO_LARGE' || originalError?.type === 'OFFSET_METADATA_TOO_LARGE';
}
