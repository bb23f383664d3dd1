import type { RoundResult } from '../harness.js';

/** One round of calls: how many in how long (calls/s), and the round trips' percentiles. */
export interface CallRound extends RoundResult {
  p50Ms: number;
  p99Ms: number;
  /**
   * This process's CPU time (user + system) per call, client and server together: less sensitive
   * to other work on the machine than calls/s. The broker's own CPU (NATS, Kafka) is not in it.
   */
  cpuMicrosPerCall: number;
}

/** One call of the side under test; `sequence` varies the payload. */
export type Call = (sequence: number) => Promise<unknown>;

/** The value below which `fraction` of the sorted `values` lie (nearest rank). */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

/**
 * `concurrency` callers, each calling again as soon as its reply is in, for `seconds`: the same
 * closed loop as `Promise.all` over a queue of calls, but bounded by time so slow wires (Kafka,
 * SQS) and fast ones (the embedded bus) take the same time a round. A failed call fails the round.
 */
export async function callFor(call: Call, concurrency: number, seconds: number): Promise<CallRound> {
  const durations: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const end = started + seconds * 1000;
  let sequence = 0;
  let finished = started;
  const caller = async (): Promise<void> => {
    while (performance.now() < end) {
      const sent = performance.now();
      await call(sequence++);
      finished = performance.now();
      durations.push(finished - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = Float64Array.from(durations).sort();
  return {
    messages: durations.length,
    seconds: (finished - started) / 1000,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    cpuMicrosPerCall: (cpu.user + cpu.system) / durations.length,
  };
}
