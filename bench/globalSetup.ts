import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import { format, resolveConfig } from 'prettier';
import type { TestProject } from 'vitest/node';
import { startElasticMq, type RunningElasticMq } from '../test/servers/elasticmq.js';
import { startKafka, type RunningKafka } from '../test/servers/kafka.js';
import { requireTool } from '../test/servers/requireTool.js';
import { isFigure, SCENARIO_DIR, type AnyResult, type FigureResult, type ScenarioResult } from './harness.js';

const LATEST = new URL('./results/latest.json', import.meta.url);
const README = new URL('./README.md', import.meta.url);
const BEGIN = '<!-- results:begin -->';
const END = '<!-- results:end -->';
/** The broker the Kafka scenarios run against (one broker, one version: figures, not compatibility). */
export const BENCH_KAFKA_VERSION = '4.1.0';

/**
 * Starts the servers the selected scenario files need — `kafka-*.scenario.ts` a Kafka broker,
 * `sqs-*.scenario.ts` ElasticMQ — and provides their addresses the way the test suites' own setups
 * do (empty when not started, or when java/mvn are missing: those scenarios then skip loudly).
 * Clears old scenario files; afterwards writes latest.json and the README tables (full runs only).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  const load = loadavg()[0]!;
  rmSync(SCENARIO_DIR, { recursive: true, force: true });
  mkdirSync(SCENARIO_DIR, { recursive: true });
  const { files: paths, filtered } = await selectedFiles(project);
  const files = paths.map((file) => basename(file));
  // latest.json and the README hold full runs at full size; a partial run leaves them as they were.
  const overridden = Object.keys(process.env).filter(
    (name) => name.startsWith('BENCH_') && name !== 'BENCH_REPORT',
  );
  const report = process.env.BENCH_REPORT === '1' || (!filtered && overridden.length === 0);
  // bench/rpc.scenario.ts measures every RPC wire, Kafka's and SQS's among them.
  const needs = (prefix: string): boolean =>
    files.some((file) => file.startsWith(prefix) || file === 'rpc.scenario.ts');
  const servers = ['kafka-', 'sqs-'].filter(needs).map((prefix) => `${prefix}*`);
  const java = servers.length > 0 && haveJava(`bench ${servers.join(' and ')}`);
  let kafka: RunningKafka | undefined;
  let elasticMq: RunningElasticMq | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all([kafka?.stop(), elasticMq?.stop()]);
  };
  try {
    if (java && needs('kafka-')) kafka = await startKafka(BENCH_KAFKA_VERSION);
    if (java && needs('sqs-')) elasticMq = await startElasticMq();
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide(
    'kafkaBrokers',
    kafka === undefined ? [] : [{ version: kafka.version, brokers: kafka.brokers }],
  );
  project.provide('elasticMqEndpoint', elasticMq?.endpoint ?? '');
  project.provide('fauxqsEndpoint', '');
  return async () => {
    await stop();
    if (report) await writeReport(startedAt, load);
    else
      process.stdout.write(
        `\nPartial run (${filtered ? 'file filter' : overridden.join(', ')}): bench/results/latest.json and the README table are left as they were; this run's results are in bench/results/scenarios/ (BENCH_REPORT=1 writes them anyway).\n`,
      );
  };
}

function haveJava(suite: string): boolean {
  return requireTool('java', ['-version'], suite) && requireTool('mvn', ['-v'], suite);
}

/**
 * The scenario files this run will execute: the CLI's file filters (`npm run bench -- bench/x`)
 * applied to the project's globs. vitest keeps those filters on an internal field; without it,
 * every file counts, so at worst both servers start.
 */
async function selectedFiles(project: TestProject): Promise<{ files: string[]; filtered: boolean }> {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  const { testFiles } = await project.globTestFiles(filters);
  return { files: testFiles, filtered: filters.length > 0 };
}

/** The commit measured, and the package sources changed on top of it (figures are of the working tree). */
function treeState(): { commit: string; uncommittedPackageFiles: string[] } | undefined {
  const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8' });
  try {
    return {
      commit: git('rev-parse', '--short', 'HEAD').trim(),
      // Porcelain lines are "XY path"; X may be a space, so the output is not trimmed.
      uncommittedPackageFiles: git('status', '--porcelain', '--', 'packages', 'apps')
        .split('\n')
        .filter((line) => line.length > 3)
        .map((line) => line.slice(3)),
    };
  } catch {
    return undefined; // not a git checkout
  }
}

/** Writes `text` to `file` as `prettier --check` wants it (the repository's lint checks these files). */
async function writeFormatted(file: URL, text: string, parser: 'json' | 'markdown'): Promise<void> {
  const options = (await resolveConfig(file)) ?? {};
  writeFileSync(file, await format(text, { ...options, parser }));
}

async function writeReport(startedAt: number, load: number): Promise<void> {
  const results = readdirSync(SCENARIO_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(new URL(file, SCENARIO_DIR), 'utf8')) as AnyResult)
    .sort((a, b) => a.name.localeCompare(b.name));
  if (results.length === 0) return;
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const run = {
    date: new Date().toISOString(),
    machine,
    minutes: Math.round((Date.now() - startedAt) / 6000) / 10,
    loadAverageAtStart: Math.round(load * 100) / 100,
    tree: treeState(),
    scenarios: results,
  };
  await writeFormatted(LATEST, JSON.stringify(run, null, 2), 'json');
  if (!existsSync(README)) return;
  const tree =
    run.tree === undefined
      ? ''
      : `; commit ${run.tree.commit}${run.tree.uncommittedPackageFiles.length > 0 ? ` with ${run.tree.uncommittedPackageFiles.length} uncommitted package files` : ''}`;
  const heading = `Last run: ${run.date.slice(0, 10)} on ${machine}; ${run.minutes} min, load average ${run.loadAverageAtStart} at the start${tree}.`;
  await writeFormatted(README, withTables(readFileSync(README, 'utf8'), heading, results), 'markdown');
}

type Cell = string | number | undefined;

/** A markdown table of `results`, one column per entry of `columns`; no lines when there are no results. */
function table<T>(results: T[], columns: Record<string, (result: T) => Cell>): string[] {
  if (results.length === 0) return [];
  const row = (cells: Cell[]): string => `| ${cells.map((cell) => cell ?? '').join(' | ')} |`;
  const cells = Object.values(columns);
  return [
    row(Object.keys(columns)),
    row(cells.map(() => '---')),
    ...results.map((result) => row(cells.map((cell) => cell(result)))),
  ];
}

const throughputTable = (results: ScenarioResult[]): string[] =>
  table(results, {
    scenario: (result) => result.name,
    'switchyard msgs/s': (result) => result.switchyardMsgsPerSec,
    reference: (result) => result.reference,
    'reference msgs/s': (result) => result.referenceMsgsPerSec,
    ratio: (result) => result.ratio,
    'of bound': (result) =>
      result.ofBound === undefined ? undefined : `${result.ofBound} of ${result.boundMsgsPerSec}`,
    rounds: (result) => result.rounds,
  });

const figureTable = (results: FigureResult[]): string[] =>
  table(results, {
    scenario: (result) => result.name,
    metric: (result) => result.metric,
    switchyard: (result) => result.switchyard,
    reference: (result) => result.referenceLabel,
    'reference value': (result) => result.reference,
    ratio: (result) => result.ratio,
    rounds: (result) => result.rounds,
  });

function withTables(readme: string, heading: string, results: AnyResult[]): string {
  const throughput = throughputTable(results.filter((result): result is ScenarioResult => !isFigure(result)));
  const figures = figureTable(results.filter(isFigure));
  const block = [
    BEGIN,
    heading,
    '',
    ...throughput,
    ...(throughput.length > 0 && figures.length > 0 ? [''] : []),
    ...figures,
    END,
  ].join('\n');
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  return start >= 0 && end > start
    ? `${readme.slice(0, start)}${block}${readme.slice(end + END.length)}`
    : `${readme}\n${block}\n`;
}
