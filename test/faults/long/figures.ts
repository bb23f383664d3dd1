import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

// The long suite keeps docs/faults.md's "Figures of the last run" true by writing it itself: each
// test's FIGURE line is appended to a ledger during the run, and the global teardown merges the
// ledger into the block between the markers below (a figure this run did not produce keeps its old
// line, so running one file updates that file's figures only).

const BEGIN = '<!-- figures:begin (written by npm run test:faults-long; do not edit) -->';
const END = '<!-- figures:end -->';

/** Appends one FIGURE line to the run's ledger (a no-op outside the long suite). */
export function recordFigure(ledger: string, line: string): void {
  if (ledger !== '') appendFileSync(ledger, `${line}\n`);
}

/** Merges the ledger's FIGURE lines into `doc`'s figures block; returns how many were written. */
export function writeFigures(ledger: string, doc: string): number {
  if (!existsSync(ledger)) return 0;
  const fresh = readFileSync(ledger, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('FIGURE '));
  if (fresh.length === 0) return 0;
  const text = readFileSync(doc, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${doc} has no figures block (${BEGIN} … ${END})`);
  const old = text
    .slice(begin + BEGIN.length, end)
    .split('\n')
    .filter((line) => line.startsWith('FIGURE '));
  const merged = new Map(old.map((line) => [figureName(line), line]));
  for (const line of fresh) merged.set(figureName(line), line);
  const block = [
    BEGIN,
    '',
    `Last written ${new Date().toISOString().slice(0, 10)} at commit ${commit()} (${fresh.length} of ${merged.size} figures from that run).`,
    '',
    '```text',
    ...merged.values(),
    '```',
    '', // a blank line before the end marker, as prettier writes markdown
    '',
  ].join('\n');
  writeFileSync(doc, text.slice(0, begin) + block + text.slice(end));
  return fresh.length;
}

function figureName(line: string): string {
  return line.slice('FIGURE '.length, line.indexOf(':'));
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
