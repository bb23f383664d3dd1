import type { RoundResult } from './harness.js';

/** A number from the environment (e.g. BENCH_KAFKA_MESSAGES=20000 for a quick check), else `fallback`. */
export function setting(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Rounds and warm-up rounds of every transport scenario (BENCH_ROUNDS, BENCH_WARMUP to change them). */
export const ROUNDS = {
  rounds: setting('BENCH_ROUNDS', 3),
  warmupRounds: Number(process.env.BENCH_WARMUP ?? 1),
};

/**
 * Whether a scenario file's server is running; if not, says so loudly (the run goes on without it).
 * `missing` names what is missing, e.g. "no Kafka broker (java or mvn missing)".
 */
export function serverRunning(available: boolean, scenarios: string, missing: string): boolean {
  if (!available) process.stderr.write(`\n*** SKIPPED bench ${scenarios}: ${missing}. ***\n\n`);
  return available;
}

/** Clocks a round from the first handled message to the `count`-th, so joins and start-up are not counted. */
export class Stopwatch {
  #first = 0;
  #last = 0;
  #ticks = 0;
  #reached!: () => void;
  readonly reached: Promise<void>;

  constructor(readonly count: number) {
    this.reached = new Promise((resolve) => (this.#reached = resolve));
  }

  /** Marks the start of the clock (the first call counts). */
  first(): void {
    this.#first ||= performance.now();
  }

  /** One message done; the `count`-th resolves `reached`. */
  tick(): void {
    this.first();
    if (++this.#ticks !== this.count) return;
    this.#last = performance.now();
    this.#reached();
  }

  /** The round, from the first message to the `count`-th (or to now, when the end is known elsewhere). */
  result(): RoundResult {
    return { messages: this.count, seconds: ((this.#last || performance.now()) - this.#first) / 1000 };
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
