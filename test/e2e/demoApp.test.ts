import { describe, expect, it } from 'vitest';
import { expectDemoNumbersAddUp, runBuiltApp } from '../support/runBuiltApp.js';

describe('the demo pipeline (built, in a child process)', () => {
  it('--count N: every record is dropped at contactpoint, dropped at whitelist, or logged; exit 0', async () => {
    const result = await runBuiltApp('demo', ['--count', '400']);
    expect(result.code, result.stderr).toBe(0);
    expectDemoNumbersAddUp(result.stdout, 400);
  });
});
