import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltApp, simpleSummary as summaryOf, type RunOptions } from '../support/runBuiltApp.js';
import { CORE_FLAGS } from '../support/coreFlags.js';

// The built example, run as a user runs it (`npm test` builds before testing); JSON logs to read.
const run = (args: string[], options: RunOptions = {}) =>
  runBuiltApp('simple', args, {
    ...options,
    env: { SIMPLE_CONSUMER__DAEMON__LOG_FORMAT: 'json', ...options.env },
  });

const simple = (message: string): string =>
  JSON.stringify({ mediaType: 'application/vnd.switchyard.simple', message, timestamp: 1_700_000_000_000 });

describe('the simple example daemon (built, in a child process)', () => {
  it('--count N publishes and processes N messages, prints the summary and exits 0', async () => {
    const result = await run(['--count', '500']);
    expect(result.code).toBe(0);
    expect(summaryOf(result.stdout)).toMatchObject({
      received: 500,
      succeeded: 500,
      failed: 0,
      'dead-lettered': 0,
    });
  });

  it('--help lists the flags and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const flag of CORE_FLAGS) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('an unknown flag is a usage error (exit 2)', async () => {
    const result = await run(['--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--no-such-flag'");
  });

  it('an invalid config value stops the start with one line naming the key and the fix', async () => {
    const result = await run(['--count', '1'], { env: { SIMPLE_CONSUMER__CONSUMER__CONCURRENCY: 'lots' } });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'consumer.concurrency = "lots" from environment SIMPLE_CONSUMER__CONSUMER__CONCURRENCY: expected a number',
    );
  });

  it('a misspelt config key in the environment is refused, not ignored', async () => {
    const result = await run(['--count', '1'], { env: { SIMPLE_CONSUMER__CONSUMER__CONCURENCY: '4' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SIMPLE_CONSUMER__CONSUMER__CONCURENCY is not a config key');
  });

  it('--replay FILE consumes recorded messages, bad lines included, then exits 0', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'switchyard-')), 'recorded.jsonl');
    writeFileSync(
      file,
      [
        simple('one'),
        'not json',
        simple('two'),
        '',
        JSON.stringify({ mediaType: 'application/vnd.switchyard.simple' }),
        simple('three'),
      ].join('\n'),
    );
    const result = await run(['--replay', file]);
    expect(result.code).toBe(0);
    expect(summaryOf(result.stdout)).toMatchObject({ received: 5, succeeded: 3, 'dead-lettered': 2 });
  });

  it('--stdin consumes one JSON message per line from standard input', async () => {
    const result = await run(['--stdin'], { stdin: `${simple('a')}\n${simple('b')}\n` });
    expect(result.code).toBe(0);
    expect(summaryOf(result.stdout)).toMatchObject({ received: 2, succeeded: 2 });
  });

  it('SIGTERM stops a running daemon gracefully: summary and exit 0', async () => {
    let pid = 0;
    const finished = run([], {
      env: { SIMPLE_CONSUMER__DAEMON__PROGRESS_INTERVAL_MS: '0' },
      onStart: (started) => (pid = started),
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    process.kill(pid, 'SIGTERM');
    const result = await finished;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"msg":"signal received: shutting down"');
    expect(summaryOf(result.stdout).received).toBeGreaterThan(0);
  });

  it('--debug raises the log level', async () => {
    const result = await run(['--count', '3', '--debug']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/"level":20,.*"msg":"hello, message 1"/);
  });
});

describe('the simple example with --healthcheck-port', () => {
  it('answers the probes and /metrics while consuming', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    let pid = 0;
    const finished = run(['--healthcheck-port', String(port), '--set', 'health.host=127.0.0.1'], {
      onStart: (started) => (pid = started),
    });
    const get = async (path: string): Promise<{ status: number; body: string }> => {
      for (let tries = 0; ; tries += 1) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}${path}`);
          return { status: response.status, body: await response.text() };
        } catch (error) {
          if (tries > 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };
    let metrics = '';
    for (
      let tries = 0;
      tries < 100 && !/switchyard_messages_total\{outcome="succeeded"[^}]*\} [1-9]/.test(metrics);
      tries += 1
    ) {
      metrics = (await get('/metrics')).body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(metrics).toMatch(
      /switchyard_messages_total\{outcome="succeeded",media_type="application\/vnd.switchyard.simple"\} [1-9]/,
    );
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/health/ready')).status).toBe(200);
    process.kill(pid, 'SIGTERM');
    expect((await finished).code).toBe(0);
  });
});
