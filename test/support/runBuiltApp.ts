import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export interface AppRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Written to the app's standard input, which is then closed. */
  stdin?: string;
  /** Called with the child's pid once it runs (to signal it). */
  onStart?: (pid: number) => void;
  /** Called with the standard output so far, each time more arrives (to wait for a line). */
  onStdout?: (stdout: string) => void;
  /** Working directory (where a default `.env` is read from); default: the test's. */
  cwd?: string;
}

/** Runs a built example app (`apps/<name>/dist/main.js`) in a child process, as a user would. */
export function runBuiltApp(app: string, args: string[], options: RunOptions = {}): Promise<AppRun> {
  const main = fileURLToPath(new URL(`../../apps/${app}/dist/main.js`, import.meta.url));
  return runCommand(process.execPath, [main, ...args], options);
}

/** Runs `command` in a child process with only PATH (and `options.env`) in its environment. */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<AppRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      cwd: options.cwd,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin);
    if (child.pid !== undefined) options.onStart?.(child.pid);
  });
}

/** The `key=number` counts of the output line that starts with `prefix`. */
export function countsOf(stdout: string, prefix: string): Record<string, number> {
  const line = stdout.split('\n').find((text) => text.startsWith(prefix));
  if (line === undefined) throw new Error(`no "${prefix}" line in:\n${stdout}`);
  return Object.fromEntries(
    [...line.matchAll(/([\w@-]+)=(\d+)/g)].map(([, key, value]) => [key, Number(value)]),
  ) as Record<string, number>;
}

/** The counts of the simple example's summary line. */
export const simpleSummary = (stdout: string): Record<string, number> =>
  countsOf(stdout, 'simple-consumer summary:');

/** The demo's promise: every pushed record was dropped at contactpoint, dropped at whitelist, or logged. */
export function expectDemoNumbersAddUp(stdout: string, pushed: number): void {
  const demo = countsOf(stdout, 'demo summary:');
  expect(demo.pushed).toBe(pushed);
  expect(demo['dropped@contactpoint']! + demo['dropped@whitelist']! + demo.logged!).toBe(pushed);
  // The fixed demo data drops some at each stop, so each path is exercised.
  expect(demo['dropped@contactpoint']).toBeGreaterThan(0);
  expect(demo['dropped@whitelist']).toBeGreaterThan(0);
  expect(demo.logged).toBeGreaterThan(0);
  const contactpoint = countsOf(stdout, 'contactpoint:');
  const whitelist = countsOf(stdout, 'whitelist:');
  expect(contactpoint).toMatchObject({ received: pushed, failed: 0 });
  expect(whitelist.received).toBe(contactpoint.forwarded);
  expect(countsOf(stdout, 'logstop:').received).toBe(whitelist.forwarded);
}
