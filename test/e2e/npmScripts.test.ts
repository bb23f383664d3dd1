import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectDemoNumbersAddUp, runCommand, simpleSummary } from '../support/runBuiltApp.js';

// The README's commands exactly as a user types them: the npm scripts (each builds first, a no-op
// after `npm test`'s build) on the Node 24 that `npm ci` installed, not dist/main.js directly.
const npm = (args: string[]) =>
  runCommand('npm', args, {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: { HOME: process.env.HOME ?? '' },
  });

describe('the README quick start, through npm', () => {
  it('npm start -- --count 1000: the demo prints every stop and a summary that adds up; exit 0', async () => {
    const result = await npm(['start', '--', '--count', '1000']);
    expect(result.code, result.stderr).toBe(0);
    expectDemoNumbersAddUp(result.stdout, 1000);
  }, 180_000);

  it('npm run start:simple -- --count 1000: one summary line with a count per outcome; exit 0', async () => {
    const result = await npm(['run', 'start:simple', '--', '--count', '1000']);
    expect(result.code, result.stderr).toBe(0);
    const summaries = result.stdout.split('\n').filter((line) => line.startsWith('simple-consumer summary:'));
    expect(summaries).toHaveLength(1);
    expect(simpleSummary(result.stdout)).toEqual({
      received: 1000,
      redeliveries: 0,
      succeeded: 1000,
      skipped: 0,
      ignored: 0,
      expired: 0,
      retried: 0,
      failed: 0,
      'dead-lettered': 0,
    });
  }, 180_000);
});
