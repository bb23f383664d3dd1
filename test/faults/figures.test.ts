import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordFigure, writeFigures } from './long/figures.js';

const BEGIN = '<!-- figures:begin (written by npm run test:faults-long; do not edit) -->';
const END = '<!-- figures:end -->';

describe("the long suite's figures block in docs/faults.md", () => {
  const dir = mkdtempSync(join(tmpdir(), 'figures-test-'));
  const doc = join(dir, 'faults.md');
  const ledger = join(dir, 'figures.log');

  it('replaces the figures this run produced, keeps the others, leaves the rest of the page alone', () => {
    writeFileSync(
      doc,
      `# Faults\n\nbefore\n${BEGIN}\n\n\`\`\`text\nFIGURE a: lost=0 duplicates=3\nFIGURE b: lost=0\n\`\`\`\n${END}\nafter\n`,
    );
    recordFigure(ledger, 'FIGURE b: lost=0 duplicates=9');
    recordFigure(ledger, 'FIGURE c: lost=0');
    expect(writeFigures(ledger, doc)).toBe(2);
    const text = readFileSync(doc, 'utf8');
    expect(text.startsWith('# Faults\n\nbefore\n')).toBe(true);
    expect(text.endsWith(`${END}\nafter\n`)).toBe(true);
    expect(text.match(/^FIGURE .*$/gm)).toEqual([
      'FIGURE a: lost=0 duplicates=3',
      'FIGURE b: lost=0 duplicates=9',
      'FIGURE c: lost=0',
    ]);
    expect(text).toContain('(2 of 3 figures from that run)');
  });

  it('writes nothing when the run produced no figure, and refuses a page without the block', () => {
    expect(writeFigures(join(dir, 'none.log'), doc)).toBe(0);
    const bare = join(dir, 'bare.md');
    writeFileSync(bare, '# no block\n');
    expect(() => writeFigures(ledger, bare)).toThrow(/has no figures block/);
  });

  it('has the block in the real docs/faults.md', () => {
    const real = readFileSync(new URL('../../docs/faults.md', import.meta.url), 'utf8');
    expect(real.indexOf(BEGIN)).toBeGreaterThan(0);
    expect(real.indexOf(END)).toBeGreaterThan(real.indexOf(BEGIN));
  });
});
