import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltApp, simpleSummary as summaryOf, type RunOptions } from '../support/runBuiltApp.js';
import { CORE_FLAGS } from '../support/coreFlags.js';
import { freePort } from '../servers/freePort.js';

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
    expect(result.stdout).toContain('--sqs-queue-url'); // an alias, named beside --queue-url
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

  it('reads .env from the working directory, or the --env-file named; a missing one stops the start', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'switchyard-'));
    writeFileSync(join(cwd, '.env'), 'SIMPLE_CONSUMER__CONSUMER__CONCURRENCY=lots\n');
    const fromDotenv = await run(['--count', '1'], { cwd });
    expect(fromDotenv.code).toBe(1);
    expect(fromDotenv.stderr).toContain(
      'from .env SIMPLE_CONSUMER__CONSUMER__CONCURRENCY: expected a number',
    );
    writeFileSync(join(cwd, 'named.env'), 'SIMPLE_CONSUMER__CONSUMER__MAX_ATTEMPTS=none\n');
    const named = await run(['--count', '1', '--env-file', join(cwd, 'named.env')], { cwd });
    expect(named.stderr).toContain('consumer.maxAttempts = "none" from .env');
    expect(named.stderr).not.toContain('CONCURRENCY'); // the named file replaces the default one
    // Node itself checks an `--env-file` argument, even one after the script, before the daemon
    // runs (exit 9, "node: <path>: not found"); the daemon's own check covers start() in-process.
    const missingFile = join(cwd, 'missing.env');
    const missing = await run(['--count', '1', '--env-file', missingFile]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`${missingFile}: (not found|no such file)$`)),
    ]);
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

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s stops a running daemon gracefully: summary and exit 0',
    async (signal) => {
      let pid = 0;
      // Signalled after its first progress line: main() installs the signal handlers before it
      // starts the progress timer (a fixed wait could signal a slow start before that, and Node's
      // default action would kill it).
      let handled: () => void;
      const handling = new Promise<void>((resolve) => (handled = resolve));
      const finished = run([], {
        env: { SIMPLE_CONSUMER__DAEMON__PROGRESS_INTERVAL_MS: '300' },
        onStart: (started) => (pid = started),
        onStdout: (stdout) => {
          if (stdout.includes('"msg":"progress"')) handled();
        },
      });
      await handling;
      process.kill(pid, signal);
      const result = await finished;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`"signal":"${signal}","msg":"signal received: shutting down"`);
      // The summary is the last word: after the draining line, not overtaking it.
      const lines = result.stdout.trimEnd().split('\n');
      const draining = lines.findIndex((line) => line.includes('stopping: draining in-flight messages'));
      const summaryLine = lines.findIndex((line) => line.startsWith('simple-consumer summary:'));
      expect(draining).toBeGreaterThanOrEqual(0);
      expect(summaryLine).toBeGreaterThan(draining);
      // In-flight handlers finished: every received message either succeeded or was released unstarted.
      const summary = summaryOf(result.stdout);
      const released = Number(/"released":(\d+)/.exec(result.stdout)?.[1] ?? 0);
      expect(summary.received).toBeGreaterThan(0);
      expect(summary.succeeded! + released).toBe(summary.received);
      expect(result.stdout).not.toContain('shutdown deadline passed');
    },
  );

  it('a fatal error after start-up (--replay of a missing file) exits 1 with one line on stderr', async () => {
    const result = await run(['--replay', '/no/such/recording.jsonl']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      "simple-consumer: fatal: cannot read the input: ENOENT: no such file or directory, open '/no/such/recording.jsonl'",
    ]);
  });

  it('--debug raises the log level', async () => {
    const result = await run(['--count', '3', '--debug']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/"level":20,.*"msg":"hello, message 1"/);
  });

  it.each([
    ['the command line', ['--set', 'kafka.saslPassword=hunter2-from-cli'], {}],
    ['the environment', [], { SIMPLE_CONSUMER__KAFKA__SASL_PASSWORD: 'hunter2-from-env' }],
  ])('--debug logs the config with a @secret() key from %s redacted', async (_, args, env) => {
    const result = await run(['--count', '3', '--debug', ...args], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/"saslPassword":"\[redacted\]".*"msg":"config loaded"/);
    expect(result.stdout + result.stderr).not.toContain('hunter2');
  });

  it('a misspelt secret key on the command line is refused without printing its value', async () => {
    const result = await run(['--count', '1', '--set', 'kafka.saslPasword=hunter2-misspelt']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--set kafka.saslPasword: "kafka.saslPasword" is not a config key');
    expect(result.stdout + result.stderr).not.toContain('hunter2');
  });
});

describe('the simple example with --healthcheck-port', () => {
  it('answers the probes and /metrics while consuming', async () => {
    const port = await freePort();
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
    const live = await get('/health/live');
    expect(live.status).toBe(200);
    expect(JSON.parse(live.body)).toMatchObject({ status: 'ok', busy: false });
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready', connected: true, draining: false });
    process.kill(pid, 'SIGTERM');
    expect((await finished).code).toBe(0);
  });
});
