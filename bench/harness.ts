import { mkdirSync, writeFileSync } from 'node:fs';

/** One measured round: how many messages, how long. */
export interface RoundResult {
  messages: number;
  seconds: number;
}

export interface ScenarioSpec {
  name: string;
  /** What was run, for the record: message counts, concurrency, handler, server. */
  settings: Record<string, unknown>;
  rounds: number;
  /** Rounds run first and thrown away (JIT, connections, caches). */
  warmupRounds: number;
  reference: { label: string; run: () => Promise<RoundResult> };
  switchyard: { label: string; run: () => Promise<RoundResult> };
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
}

export const SCENARIO_DIR = new URL('./results/scenarios/', import.meta.url);

const rate = ({ messages, seconds }: RoundResult): number => messages / seconds;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Runs the reference and switchyard alternately on the same machine and server, so drift in the
 * machine's speed hits both equally; reports medians and writes the scenario's JSON for the report.
 */
export async function runScenario(spec: ScenarioSpec): Promise<ScenarioResult> {
  for (let round = 0; round < spec.warmupRounds; round += 1) {
    await spec.reference.run();
    await spec.switchyard.run();
  }
  const samples = { switchyard: [] as number[], reference: [] as number[] };
  for (let round = 0; round < spec.rounds; round += 1) {
    // Alternate which goes first, so neither always runs on a warmer machine.
    const order =
      round % 2 === 0 ? (['reference', 'switchyard'] as const) : (['switchyard', 'reference'] as const);
    for (const side of order) samples[side].push(rate(await spec[side].run()));
  }
  const result: ScenarioResult = {
    name: spec.name,
    switchyardMsgsPerSec: Math.round(median(samples.switchyard)),
    referenceMsgsPerSec: Math.round(median(samples.reference)),
    ratio: Math.round((median(samples.switchyard) / median(samples.reference)) * 1000) / 1000,
    reference: spec.reference.label,
    rounds: spec.rounds,
    settings: spec.settings,
    samples: { switchyard: samples.switchyard.map(Math.round), reference: samples.reference.map(Math.round) },
  };
  mkdirSync(SCENARIO_DIR, { recursive: true });
  writeFileSync(new URL(`${spec.name}.json`, SCENARIO_DIR), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `${spec.name}: switchyard ${result.switchyardMsgsPerSec} msgs/s, ${spec.reference.label} ${result.referenceMsgsPerSec} msgs/s, ratio ${result.ratio}\n`,
  );
  return result;
}
