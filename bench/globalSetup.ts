import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { SCENARIO_DIR, type ScenarioResult } from './harness.js';

const LATEST = new URL('./results/latest.json', import.meta.url);
const README = new URL('./README.md', import.meta.url);
const BEGIN = '<!-- results:begin -->';
const END = '<!-- results:end -->';

/** Clears old scenario files before the run; afterwards writes latest.json and the README table. */
export default function setup(): () => void {
  rmSync(SCENARIO_DIR, { recursive: true, force: true });
  mkdirSync(SCENARIO_DIR, { recursive: true });
  return () => {
    const results = readdirSync(SCENARIO_DIR)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(new URL(file, SCENARIO_DIR), 'utf8')) as ScenarioResult)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (results.length === 0) return;
    const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
    const run = { date: new Date().toISOString(), machine, scenarios: results };
    writeFileSync(LATEST, `${JSON.stringify(run, null, 2)}\n`);
    if (existsSync(README))
      writeFileSync(README, withTable(readFileSync(README, 'utf8'), run.date, machine, results));
  };
}

function withTable(readme: string, date: string, machine: string, results: ScenarioResult[]): string {
  const rows = results.map(
    (result) =>
      `| ${result.name} | ${result.switchyardMsgsPerSec} | ${result.reference} | ${result.referenceMsgsPerSec} | ${result.ratio} | ${result.rounds} |`,
  );
  const table = [
    BEGIN,
    `Last run: ${date.slice(0, 10)} on ${machine}.`,
    '',
    '| scenario | switchyard msgs/s | reference | reference msgs/s | ratio | rounds |',
    '|---|---|---|---|---|---|',
    ...rows,
    END,
  ].join('\n');
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  return start >= 0 && end > start
    ? `${readme.slice(0, start)}${table}${readme.slice(end + END.length)}`
    : `${readme}\n${table}\n`;
}
