import { describe, expect, it } from 'vitest';
import { expectDemoNumbersAddUp, runBuiltApp } from '../support/runBuiltApp.js';

describe('the demo pipeline (built, in a child process)', () => {
  it('--count N: every record is dropped at contactpoint, dropped at whitelist, or logged; exit 0', async () => {
    const result = await runBuiltApp('demo', ['--count', '400']);
    expect(result.code, result.stderr).toBe(0);
    expectDemoNumbersAddUp(result.stdout, 400);
  });

  it('each stop reads its config under its own prefix; a bad value stops the start with one line', async () => {
    const result = await runBuiltApp('demo', ['--count', '10'], {
      env: { CONTACTPOINT__CONSUMER__CONCURRENCY: 'lots' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'demo: cannot start: invalid config: consumer.concurrency = "lots" from environment CONTACTPOINT__CONSUMER__CONCURRENCY: expected a number\n',
    );
  });
});
