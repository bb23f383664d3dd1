/**
 * Optional operator access to a transport's dead letters (the console's list and replay button).
 * A transport package binds it under `DEAD_LETTER_STORE` in its module when it can read its own
 * dead-letter destination; core and the daemon never need it.
 */

/** One dead letter as an operator sees it. */
export interface DeadLetterRecord {
  /** The dead letter's own id in its destination (not the original message id). */
  readonly id: string;
  readonly reason: string;
  /** The queue or topic it was dead-lettered from (`x-original-source`). */
  readonly source: string;
  readonly mediaType?: string;
  readonly attempts?: number;
  /** When it was dead-lettered, epoch milliseconds, where the destination knows. */
  readonly at?: number;
}

/** Which dead letters to replay: all filters must match; `limit` caps how many. */
export interface ReplayFilter {
  /** A substring of the reason. */
  readonly reason?: string;
  /** The media type, exactly (case aside). */
  readonly mediaType?: string;
  readonly limit?: number;
}

export interface ReplayResult {
  /** Sent back to their source, confirmed, then removed from the dead-letter destination. */
  readonly replayed: number;
  /** Looked at and left where they were (a filter did not match). */
  readonly left: number;
}

/** One step of an operator command's replay, as it happens (for its output), over records `R`. */
export type ReplayEvent<R, Skip extends string = string> =
  | { readonly kind: 'replayed' | 'would replay'; readonly record: R; readonly target: string }
  /** Sent and confirmed, but the removal from the dead-letter destination failed: sent again next time. */
  | { readonly kind: 'not removed'; readonly record: R; readonly target: string; readonly why: string }
  | { readonly kind: 'skipped'; readonly record: R; readonly why: Skip };

/** How an operator command replays the dead letters (records `R`) of one destination. */
export interface ReplayRun<R, Skip extends string = string> {
  /** Whether a dead letter is to be replayed (the `--reason` / `--media-type` filters). */
  readonly select: (record: R) => boolean;
  /** `--to`: one destination for every message; otherwise each goes back to its `x-original-source`. */
  readonly to?: string;
  /** At most this many are replayed. */
  readonly limit: number;
  /** Awaited before each send of `count` messages (the `--rate` pacing). */
  readonly pace: (count: number) => Promise<void>;
  readonly dryRun: boolean;
  /** Attributes or headers that record the replay (when and by whom), added to every replayed message. */
  readonly stamp: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly onEvent: (event: ReplayEvent<R, Skip>) => void;
}

export interface DeadLetterStore {
  /** The newest dead letters first, at most `limit`, without consuming them. */
  list(limit: number): Promise<DeadLetterRecord[]>;
  /**
   * Sends each matching dead letter back to its source (body, attributes and opaque data kept,
   * the dead-letter attributes dropped, `x-replayed-at`/`x-replayed-by` added), and removes it only
   * once the send is confirmed: a crash mid-replay duplicates, never loses.
   */
  replay(filter: ReplayFilter, actor: string): Promise<ReplayResult>;
}

export const DEAD_LETTER_STORE = Symbol.for('switchyard.DeadLetterStore');

/** Attributes a replayed message carries: when, and by whom. */
export const REPLAY_ATTRIBUTES = { at: 'x-replayed-at', by: 'x-replayed-by' } as const;
