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
