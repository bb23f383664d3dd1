import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, runFigure, type FigureResult } from './harness.js';
import { setting } from './support.js';

const CHILD_DIR = fileURLToPath(new URL('./child/', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PACKAGES = ['core', 'kafka', 'sqs'];
/** Under node_modules, so the children's bare imports resolve from the repository's node_modules. */
const STRIPPED_DIR = join(ROOT, 'node_modules', '.cache', 'switchyard-bench');

/**
 * The child as plain JavaScript: Node could run the .ts itself, but its type stripper costs ~18 MB
 * of RSS and some start-up time that a production daemon (compiled JavaScript) does not pay.
 */
function childScript(which: string): string {
  mkdirSync(STRIPPED_DIR, { recursive: true });
  const script = join(STRIPPED_DIR, `${which}.mjs`);
  writeFileSync(script, stripTypeScriptTypes(readFileSync(join(CHILD_DIR, `${which}.ts`), 'utf8')));
  return script;
}

/** A bench child: the switchyard daemon or the reference consumer, on the built packages. */
export interface Child {
  readonly process: ChildProcess;
  /** Milliseconds from spawn to its `ready` line (it polls); rejects if it exits first. */
  readonly ready: Promise<number>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it exited. */
  stop(): Promise<void>;
}

export function spawnChild(
  which: 'switchyard' | 'reference',
  args: readonly string[],
  env: Record<string, string>,
): Child {
  const script = childScript(which);
  const started = performance.now();
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<number>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready\n')) resolve(performance.now() - started);
    });
    void exited.then(() =>
      reject(new Error(`${which} child exited (${child.exitCode}) before ready: ${stderr}`)),
    );
  });
  ready.catch(() => undefined); // the caller awaits it; an unawaited rejection must not crash the run
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  };
  return { process: child, ready, stop };
}

/** Resident set size now and its peak so far (VmRSS, VmHWM from /proc), in MB. */
export function rssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** How long a bare `node -e ''` takes to start and exit here, in ms (median of 5: the floor under any start-up). */
function nodeBootMs(): number {
  const runs = Array.from({ length: 5 }, () => {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
    return performance.now() - started;
  });
  return median(runs);
}

function newest(dir: string, extension: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile() && entry.name.endsWith(extension))
      latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  return latest;
}

/**
 * The children run the built packages. Returns why they cannot (no build), or undefined; warns
 * loudly when a source file is newer than the build, since the figures would be of older code.
 */
export function builtPackagesProblem(): string | undefined {
  for (const name of PACKAGES) {
    const dist = join(ROOT, 'packages', name, 'dist');
    if (!existsSync(join(dist, 'index.js')))
      return `packages/${name}/dist is missing: run \`npm run build\` first`;
    const built = join(dist, existsSync(join(dist, '.tsbuildinfo')) ? '.tsbuildinfo' : 'index.js');
    if (newest(join(ROOT, 'packages', name, 'src'), '.ts') > statSync(built).mtimeMs)
      process.stderr.write(
        `\n*** WARNING: packages/${name}/src is newer than its dist: the child processes run the last build (\`npm run build\`). ***\n\n`,
      );
  }
  return undefined;
}

/** Spawns a child, waits for its first poll, stops it: milliseconds from spawn to `ready`. */
async function timeToReady(start: () => Child): Promise<number> {
  const child = start();
  try {
    return await child.ready;
  } finally {
    await child.stop();
  }
}

/**
 * Start-up: from spawning the process to its first poll (the `ready` line), switchyard and the
 * reference alternately; the warm-up round fills the OS file cache (and creates what a first start
 * creates, e.g. a dead-letter topic).
 */
export function startupFigure(
  name: string,
  settings: Record<string, unknown>,
  switchyard: () => Child,
  reference: { label: string; start: () => Child },
): Promise<FigureResult> {
  return runFigure({
    name,
    metric: 'start-up ms',
    settings: { ...settings, nodeBootMs: Math.round(nodeBootMs()) },
    rounds: setting('BENCH_STARTUP_ROUNDS', 5),
    warmupRounds: 1,
    switchyard: { label: 'switchyard', run: () => timeToReady(switchyard) },
    reference: { label: reference.label, run: () => timeToReady(reference.start) },
  });
}
