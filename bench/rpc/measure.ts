import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import {
  median,
  runScenario,
  SCENARIO_DIR,
  type FigureMetric,
  type FigureResult,
  type ScenarioResult,
} from '../harness.js';
import { ROUNDS } from '../support.js';
import { callFor, type CallRound } from './calls.js';
import type { RpcSide } from './switchyardSide.js';

/** The machine's load averages (1, 5, 15 min) as /proc/loadavg has them, e.g. "1.92 1.10 0.64". */
export function loadAverages(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

export interface RpcScenarioSpec {
  /** e.g. `rpc-nats-c64`. */
  readonly name: string;
  readonly concurrency: number;
  readonly seconds: number;
  readonly settings: Record<string, unknown>;
  readonly switchyard: { readonly label: string; readonly side: RpcSide };
  readonly reference: { readonly label: string; readonly side: RpcSide };
}

export interface RpcScenarioResult {
  readonly calls: ScenarioResult;
  readonly p50: FigureResult;
  readonly p99: FigureResult;
}

const ms3 = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * calls/s through the harness (alternating sides, warm-up rounds dropped, BENCH_CPU_PROFILE for
 * switchyard's rounds) and, from the same rounds, the medians of each side's p50 and p99, written as
 * figures beside it. The load averages before and after go into the settings of all three.
 */
export async function runRpcScenario(spec: RpcScenarioSpec): Promise<RpcScenarioResult> {
  const rounds = { switchyard: [] as CallRound[], reference: [] as CallRound[] };
  const measured = (side: keyof typeof rounds, rpc: RpcSide) => async (): Promise<CallRound> => {
    const round = await callFor(rpc.call, spec.concurrency, spec.seconds);
    rounds[side].push(round);
    return round;
  };
  const loadBefore = loadAverages();
  const settings = { ...spec.settings, concurrency: spec.concurrency, secondsPerRound: spec.seconds };
  const calls = await runScenario({
    name: spec.name,
    settings,
    ...ROUNDS,
    reference: { label: spec.reference.label, run: measured('reference', spec.reference.side) },
    switchyard: { label: spec.switchyard.label, run: measured('switchyard', spec.switchyard.side) },
  });
  const load = { loadBefore, loadAfter: loadAverages() };
  const cpu = (side: CallRound[]): number =>
    Math.round(median(side.slice(ROUNDS.warmupRounds).map((round) => round.cpuMicrosPerCall)));
  const cpuMicrosPerCall = { switchyard: cpu(rounds.switchyard), reference: cpu(rounds.reference) };
  Object.assign(calls.settings, load, { cpuMicrosPerCall });
  rewrite(calls);
  const figure = (metric: FigureMetric, pick: (round: CallRound) => number): FigureResult => {
    const kept = (side: CallRound[]): number[] => side.slice(ROUNDS.warmupRounds).map(pick).map(ms3);
    const [ours, theirs] = [kept(rounds.switchyard), kept(rounds.reference)];
    const result: FigureResult = {
      name: `${spec.name}-${metric.slice(0, 3)}`,
      metric,
      switchyard: ms3(median(ours)),
      reference: ms3(median(theirs)),
      referenceLabel: spec.reference.label,
      ratio: ms3(median(ours) / median(theirs)),
      rounds: ours.length,
      settings: { ...settings, ...load },
      samples: { switchyard: ours, reference: theirs },
    };
    rewrite(result);
    return result;
  };
  const result = {
    calls,
    p50: figure('p50 round trip ms', (round) => round.p50Ms),
    p99: figure('p99 round trip ms', (round) => round.p99Ms),
  };
  process.stdout.write(
    `${spec.name}: p50 ${result.p50.switchyard} ms vs ${result.p50.reference} ms, p99 ${result.p99.switchyard} ms vs ${result.p99.reference} ms, CPU ${cpuMicrosPerCall.switchyard} µs vs ${cpuMicrosPerCall.reference} µs a call; load ${loadBefore} → ${load.loadAfter}\n`,
  );
  return result;
}

/** Writes a result where the harness writes its own (bench/results/scenarios/<name>.json). */
function rewrite(result: ScenarioResult | FigureResult): void {
  mkdirSync(SCENARIO_DIR, { recursive: true });
  writeFileSync(new URL(`${result.name}.json`, SCENARIO_DIR), `${JSON.stringify(result, null, 2)}\n`);
}
