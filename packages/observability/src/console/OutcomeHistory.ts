import { OUTCOME_KINDS, type OutcomeKind, type RecordedOutcome } from '@switchyard/core';

/** Outcomes per handler per second, for the last `seconds` seconds. */
export interface OutcomeSeries {
  /** Epoch seconds of the first bucket. */
  readonly start: number;
  readonly seconds: number;
  /** handler (or `(no handler)`) → outcome kind → one count per second, oldest first. */
  readonly handlers: Record<string, Partial<Record<OutcomeKind, number[]>>>;
}

const NO_HANDLER = '(no handler)';

/**
 * A ring of one-second buckets of outcome counts per handler. Recording is O(1) per message (a
 * bucket's counters); the series is built only when the console asks for it.
 */
export class OutcomeHistory {
  /** Per handler: a ring of `seconds` buckets, each counts per outcome kind. */
  readonly #rings = new Map<string, Array<Map<OutcomeKind, number>>>();
  /** Epoch second each slot of the rings holds; a slot with an older second is stale. */
  readonly #slotSecond: number[];

  constructor(
    private readonly seconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#slotSecond = new Array<number>(seconds).fill(-1);
  }

  record(recorded: RecordedOutcome): void {
    const second = Math.floor(this.now() / 1000);
    const slot = second % this.seconds;
    if (this.#slotSecond[slot] !== second) {
      for (const ring of this.#rings.values()) ring[slot]!.clear();
      this.#slotSecond[slot] = second;
    }
    const handler = recorded.handler ?? NO_HANDLER;
    let ring = this.#rings.get(handler);
    if (ring === undefined) {
      ring = Array.from({ length: this.seconds }, () => new Map<OutcomeKind, number>());
      this.#rings.set(handler, ring);
    }
    const bucket = ring[slot]!;
    const kind = recorded.outcome.kind;
    bucket.set(kind, (bucket.get(kind) ?? 0) + 1);
  }

  series(): OutcomeSeries {
    const last = Math.floor(this.now() / 1000);
    const start = last - this.seconds + 1;
    const handlers: OutcomeSeries['handlers'] = {};
    for (const [handler, ring] of this.#rings) {
      const byKind: Partial<Record<OutcomeKind, number[]>> = {};
      for (let second = start; second <= last; second += 1) {
        const slot = second % this.seconds;
        const bucket = this.#slotSecond[slot] === second ? ring[slot]! : undefined;
        for (const kind of OUTCOME_KINDS) {
          const count = bucket?.get(kind) ?? 0;
          if (count === 0 && byKind[kind] === undefined) continue;
          (byKind[kind] ??= new Array<number>(second - start).fill(0)).push(count);
        }
      }
      handlers[handler] = byKind;
    }
    return { start, seconds: this.seconds, handlers };
  }
}
