import { OUTCOME_KINDS, type Outcome, type OutcomeKind } from '../outcomes/Outcome.js';

/** One recorded outcome, for listeners (test helpers, progress). */
export interface RecordedOutcome {
  readonly messageId: string;
  readonly mediaType?: string;
  /** The handler it was dispatched to; none for a message that never reached one. */
  readonly handler?: string;
  /** As applied: a dead letter counts only once the transport confirmed the copy. */
  readonly outcome: Outcome;
}

/** Final outcomes: the message is done with (acked or dead-lettered), not coming back. */
export const FINAL_OUTCOMES: ReadonlySet<OutcomeKind> = new Set([
  'succeeded',
  'skipped',
  'ignored',
  'expired',
  'dead-lettered',
]);

/** Counts outcomes for the summary line, `--count` and tests. */
export class OutcomeCounter {
  readonly #counts = new Map<OutcomeKind, number>(OUTCOME_KINDS.map((kind) => [kind, 0]));
  readonly #listeners = new Set<(recorded: RecordedOutcome) => void>();
  readonly #batchListeners = new Set<(size: number) => void>();
  #received = 0;
  #redeliveries = 0;
  readonly #startedAt = performance.now();

  /** A received batch; messages on their second or later attempt are counted as redeliveries too. */
  countReceived(batch: readonly { readonly attempt: number }[]): void {
    this.#received += batch.length;
    for (const message of batch) if (message.attempt > 1) this.#redeliveries += 1;
    for (const listener of this.#batchListeners) listener(batch.length);
  }

  /** Calls `listener` with the size of each received batch; returns the unsubscribe function. */
  onBatch(listener: (size: number) => void): () => void {
    this.#batchListeners.add(listener);
    return () => this.#batchListeners.delete(listener);
  }

  record(recorded: RecordedOutcome): void {
    const { kind } = recorded.outcome;
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + 1);
    for (const listener of this.#listeners) listener(recorded);
  }

  /** Calls `listener` after each recorded outcome; returns the unsubscribe function. */
  onRecord(listener: (recorded: RecordedOutcome) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get(kind: OutcomeKind): number {
    return this.#counts.get(kind) ?? 0;
  }

  /** Deliveries received, redeliveries included: a message tried three times counts three times. */
  get received(): number {
    return this.#received;
  }

  /** Deliveries received on a second or later attempt (retries, leases that ran out, released messages). */
  get redeliveries(): number {
    return this.#redeliveries;
  }

  get finished(): number {
    let total = 0;
    for (const kind of FINAL_OUTCOMES) total += this.get(kind);
    return total;
  }

  snapshot(): Record<OutcomeKind | 'received' | 'redeliveries', number> {
    return {
      received: this.#received,
      redeliveries: this.#redeliveries,
      ...(Object.fromEntries(this.#counts) as Record<OutcomeKind, number>),
    };
  }

  /**
   * `received=1020 (redeliveries=40) succeeded=… … dead-lettered=… in 1.2s (830 msgs/s)`: received
   * counts deliveries, so a message tried twice is in it twice; the rate counts final outcomes.
   */
  summaryLine(): string {
    const seconds = (performance.now() - this.#startedAt) / 1000;
    const outcomes = [...this.#counts].map(([kind, count]) => `${kind}=${count}`).join(' ');
    const rate = Math.round(this.finished / Math.max(seconds, 0.001));
    return `received=${this.#received} (redeliveries=${this.#redeliveries}) ${outcomes} in ${seconds.toFixed(2)}s (${rate} msgs/s)`;
  }
}
