import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** One measured round: how many messages, how long. */
export interface RoundResult {
  messages: number;
  seconds: number;
}

interface Sides<T> {
  reference: { label: string; run: () => Promise<T> };
  switchyard: { label: string; run: () => Promise<T> };
}

interface Rounds {
  rounds: number;
  /** Rounds run first and thrown away (JIT, connections, caches). */
  warmupRounds: number;
}

export interface ScenarioSpec extends Sides<RoundResult>, Rounds {
  name: string;
  /** What was run, for the record: message counts, concurrency, handler, server. */
  settings: Record<string, unknown>;
  /** The most switchyard could reach, when there is one (e.g. concurrency ÷ handler latency). */
  boundMsgsPerSec?: number;
}

export interface ScenarioResult {
  name: string;
  switchyardMsgsPerSec: number;
  referenceMsgsPerSec: number;
  /** switchyard ÷ reference. */
  ratio: number;
  reference: string;
  rounds: number;
  settings: Record<string, unknown>;
  samples: { switchyard: number[]; reference: number[] };
  boundMsgsPerSec?: number;
  /** switchyard ÷ bound. */
  ofBound?: number;
}

/** Figures that are not throughput: lower is better, one number per round. */
export type FigureMetric = 'peak RSS MB' | 'start-up ms' | 'p50 round trip ms' | 'p99 round trip ms';

export interface FigureSpec extends Rounds {
  name: string;
  metric: FigureMetric;
  settings: Record<string, unknown>;
  switchyard: { label: string; run: () => Promise<number> };
  reference?: { label: string; run: () => Promise<number> };
}

export interface FigureResult {
  name: string;
  metric: FigureMetric;
  /** Median of the rounds. */
  switchyard: number;
  reference?: number;
  referenceLabel?: string;
  /** switchyard ÷ reference. */
  ratio?: number;
  rounds: number;
  settings: Record<string, unknown>;
  samples: { switchyard: number[]; reference?: number[] };
}

export type AnyResult = ScenarioResult | FigureResult;

export const isFigure = (result: AnyResult): result is FigureResult => 'metric' in result;

export const SCENARIO_DIR = new URL('./results/scenarios/', import.meta.url);

const rate = ({ messages, seconds }: RoundResult): number => messages / seconds;
const round3 = (value: number): number => Math.round(value * 1000) / 1000;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Runs the reference and switchyard alternately on the same machine and server, so drift in the
 * machine's speed hits both equally; returns each side's samples, warm-up rounds thrown away.
 */
async function alternate<T>(
  spec: Rounds & Partial<Sides<T>> & Pick<Sides<T>, 'switchyard'>,
  measure: (value: T) => number,
): Promise<{ switchyard: number[]; reference: number[] }> {
  const sides = (['reference', 'switchyard'] as const).filter((side) => spec[side] !== undefined);
  for (let round = 0; round < spec.warmupRounds; round += 1)
    for (const side of sides) await spec[side]!.run();
  const samples = { switchyard: [] as number[], reference: [] as number[] };
  for (let round = 0; round < spec.rounds; round += 1) {
    // Alternate which goes first, so neither always runs on a warmer machine.
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) samples[side].push(measure(await spec[side]!.run()));
  }
  return samples;
}

function record(name: string, result: AnyResult, line: string): void {
  mkdirSync(SCENARIO_DIR, { recursive: true });
  writeFileSync(new URL(`${name}.json`, SCENARIO_DIR), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${line}\n`);
}

/**
 * With BENCH_CPU_PROFILE=<dir>, switchyard's rounds of each scenario are CPU-profiled (V8's
 * sampling profiler, in this thread) into `<dir>/<scenario>.cpuprofile`: open it in Chrome's
 * DevTools, or list the top self-time functions. Profiled rounds run slower; figures of such a run
 * are not for the record.
 */
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (dir === undefined || dir === '') return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}

/** Throughput: medians of msgs/s and their ratio; writes the scenario's JSON for the report. */
export async function runScenario(spec: ScenarioSpec): Promise<ScenarioResult> {
  const { run } = spec.switchyard;
  const samples = await alternate(
    { ...spec, switchyard: { ...spec.switchyard, run: () => profiled(spec.name, run) } },
    rate,
  );
  const [ours, theirs] = [median(samples.switchyard), median(samples.reference)];
  const result: ScenarioResult = {
    name: spec.name,
    switchyardMsgsPerSec: Math.round(ours),
    referenceMsgsPerSec: Math.round(theirs),
    ratio: round3(ours / theirs),
    reference: spec.reference.label,
    rounds: spec.rounds,
    settings: spec.settings,
    samples: { switchyard: samples.switchyard.map(Math.round), reference: samples.reference.map(Math.round) },
    ...(spec.boundMsgsPerSec === undefined
      ? {}
      : { boundMsgsPerSec: spec.boundMsgsPerSec, ofBound: round3(ours / spec.boundMsgsPerSec) }),
  };
  record(
    spec.name,
    result,
    `${spec.name}: switchyard ${result.switchyardMsgsPerSec} msgs/s, ${spec.reference.label} ${result.referenceMsgsPerSec} msgs/s, ratio ${result.ratio}`,
  );
  return result;
}

/** A figure (peak RSS, start-up time): medians of each side; writes the scenario's JSON for the report. */
export async function runFigure(spec: FigureSpec): Promise<FigureResult> {
  const samples = await alternate(spec, (value) => value);
  const ours = median(samples.switchyard);
  const theirs = spec.reference === undefined ? undefined : median(samples.reference);
  const result: FigureResult = {
    name: spec.name,
    metric: spec.metric,
    switchyard: Math.round(ours),
    ...(theirs === undefined
      ? {}
      : {
          reference: Math.round(theirs),
          referenceLabel: spec.reference!.label,
          ratio: round3(ours / theirs),
        }),
    rounds: spec.rounds,
    settings: spec.settings,
    samples: {
      switchyard: samples.switchyard.map(Math.round),
      ...(theirs === undefined ? {} : { reference: samples.reference.map(Math.round) }),
    },
  };
  const other = theirs === undefined ? '' : `, ${spec.reference!.label} ${result.reference}`;
  record(spec.name, result, `${spec.name}: ${spec.metric}: switchyard ${result.switchyard}${other}`);
  return result;
}
