import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, outsideEnv, repo } from '../support/packedPackages.js';
import { countsOf, runCommand } from '../support/runBuiltApp.js';

// The README's "Use it in your service" block, run line by line as a newcomer types it, from the
// repository, with a temporary folder standing in for `..` (so nothing is written beside the
// checkout). Its first line is the quick start's `npm ci && npm run build`, which `npm test` has
// already done for this checkout: running `npm ci` here would replace the node_modules this test
// runs from.

const README = readFileSync(join(repo, 'README.md'), 'utf8');
const QUICK_START = 'npm ci && npm run build';

/** The commands of the one `sh` block of the "Use it in your service" section. */
function servicePathLines(): string[] {
  const section = README.split(/^## /m).find((part) => part.startsWith('Use it in your service'));
  if (section === undefined) throw new Error('README.md has no "## Use it in your service" section');
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
  expect(blocks, 'sh blocks in "Use it in your service"').toHaveLength(1);
  return blocks[0]!.split('\n').filter((line) => line.trim() !== '');
}

const parent = mkdtempSync(join(tmpdir(), 'switchyard-readme-path-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }), 60_000);

describe("the README's 'Use it in your service', followed literally", () => {
  it('starts from the quick start, then packs, scaffolds, installs, tests, builds and runs a service', async () => {
    const [first, ...rest] = servicePathLines();
    expect(first).toBe(QUICK_START);
    // Only `..` is replaced; every other word is the README's.
    const script = ['set -euo pipefail', ...rest.map((line) => line.replaceAll('../', `${parent}/`))].join(
      '\n',
    );
    const run = ok(
      await runCommand('bash', ['-c', script], { cwd: repo, env: outsideEnv }),
      "README 'Use it in your service'",
    );
    expect(countsOf(run.stdout, 'my-service summary:')).toMatchObject({
      received: 5,
      succeeded: 5,
      failed: 0,
    });
  }, 600_000);
});
