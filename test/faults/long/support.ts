import { spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, inject } from 'vitest';
import { recordFigure } from './figures.js';

const CHILD_DIR = fileURLToPath(new URL('../child/', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Randomness that can be replayed

/** The run's seed: FAULT_SEED if set, else a fresh one. Every test prints it with its figures. */
export function faultSeed(): number {
  const fixed = Number(process.env.FAULT_SEED);
  return Number.isInteger(fixed) && fixed > 0 ? fixed : 1 + Math.floor(Math.random() * 2_147_483_646);
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// ---------------------------------------------------------------------------------------------
// The ledger the child daemon's handler writes

export interface LedgerLine {
  /** S: the handler started; F: it finished. */
  readonly kind: 'S' | 'F';
  /** `key/seq` of the test event. */
  readonly id: string;
  /** The transport's message id (Kafka: `topic/partition/offset`). */
  readonly messageId: string;
  /** Epoch milliseconds, taken by the child. */
  readonly at: number;
}

function parseLine(text: string): LedgerLine[] {
  const [kind, id, messageId, at] = text.split(' ');
  if ((kind !== 'S' && kind !== 'F') || id === undefined || messageId === undefined) return [];
  return [{ kind, id, messageId, at: Number(at) }];
}

/** One daemon process's ledger, read incrementally while it grows; an unfinished last line waits. */
export class Ledger {
  readonly lines: LedgerLine[] = [];
  readonly finished: LedgerLine[] = [];
  #offset = 0;
  #rest = '';

  constructor(readonly file: string) {}

  /** Reads what was appended since the last call. */
  poll(): LedgerLine[] {
    if (!existsSync(this.file)) return [];
    const fd = openSync(this.file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= this.#offset) return [];
      const buffer = Buffer.alloc(size - this.#offset);
      readSync(fd, buffer, 0, buffer.length, this.#offset);
      this.#offset = size;
      const parts = (this.#rest + buffer.toString('utf8')).split('\n');
      this.#rest = parts.pop() ?? '';
      const fresh = parts.flatMap(parseLine);
      this.lines.push(...fresh);
      this.finished.push(...fresh.filter((line) => line.kind === 'F'));
      return fresh;
    } finally {
      closeSync(fd);
    }
  }

  /** Handlers that started and have no F line (in this ledger). */
  unfinished(): LedgerLine[] {
    const done = new Set(this.finished.map((line) => line.messageId));
    return this.lines.filter((line) => line.kind === 'S' && !done.has(line.messageId));
  }
}

// ---------------------------------------------------------------------------------------------
// The child daemon (test/faults/child/ledgerDaemon.ts)

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Epoch ms when the parent saw it exit. */
  readonly at: number;
}

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly ledger: Ledger;
  readonly exited: Promise<Exit>;
  /** The tail of its stderr (and stdout), for failure messages. */
  output(): string;
}

export interface DaemonOptions {
  /** Flags after the script (transport, concurrency, `--set …`). */
  readonly args: readonly string[];
  readonly ledgerFile: string;
  /** `20` or `50-200` (uniform), in ms. */
  readonly handlerDelayMs?: string;
  /** Also write an S line when each handler starts. */
  readonly recordStarts?: boolean;
}

/** Starts the ledger daemon as a real process (it can be SIGKILLed) running the TypeScript sources. */
export function startLedgerDaemon(options: DaemonOptions): DaemonProcess {
  const child = spawn(
    process.execPath,
    ['--import', join(CHILD_DIR, 'register.ts'), join(CHILD_DIR, 'ledgerDaemon.ts'), ...options.args],
    {
      env: {
        ...process.env,
        LEDGER_FILE: options.ledgerFile,
        LEDGER_STARTS: options.recordStarts === true ? '1' : '0',
        HANDLER_DELAY_MS: options.handlerDelayMs ?? '0',
        FAULT_TEST__DAEMON__LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'warn',
        FAULT_TEST__DAEMON__LOG_FORMAT: 'json',
        FAULT_TEST__DAEMON__PROGRESS_INTERVAL_MS: '0',
        FAULT_TEST__HEALTH__HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  // FAULT_DAEMON_LOGS=<dir> keeps each daemon's whole output (with FAULT_LOG_LEVEL=info, say).
  const logDir = process.env.FAULT_DAEMON_LOGS;
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-8000);
    if (logDir !== undefined) appendFileSync(join(logDir, `daemon-${child.pid}.log`), chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, ledger: new Ledger(options.ledgerFile), exited, output: () => output };
}

// ---------------------------------------------------------------------------------------------
// Waiting, readiness, figures

/** Polls `condition` every 50 ms; fails with `what` (and the daemon's output) after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string | (() => string),
  daemon?: DaemonProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const describe = (): string =>
    `${typeof what === 'string' ? what : what()}; daemon output: ${daemon?.output() ?? ''}`;
  while (!(await condition())) {
    if (daemon !== undefined && daemon.child.exitCode !== null)
      throw new Error(`the daemon exited (${daemon.child.exitCode}) while waiting for ${describe()}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await sleep(50);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends SIGTERM (or SIGKILL) and waits for the exit. */
export async function signal(daemon: DaemonProcess, name: 'SIGTERM' | 'SIGKILL'): Promise<Exit> {
  if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill(name);
  const exit = await daemon.exited;
  daemon.ledger.poll();
  return exit;
}

/** SIGTERM, then the exit if it comes within `limitMs`; else SIGKILL and undefined (it hung). */
export async function stopWithin(daemon: DaemonProcess, limitMs: number): Promise<Exit | undefined> {
  daemon.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    daemon.exited,
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), limitMs);
    }),
  ]).finally(() => clearTimeout(timer));
  if (exit === undefined) await signal(daemon, 'SIGKILL');
  daemon.ledger.poll();
  return exit;
}

export interface Sample {
  readonly at: number;
  /** undefined: no answer (the health endpoint did not answer). */
  readonly ok: boolean | undefined;
}

/** Samples a yes/no probe every `intervalMs` until stopped. */
export class Sampler {
  readonly samples: Sample[] = [];
  #running = true;
  readonly #loop: Promise<void>;

  constructor(probe: () => Promise<boolean | undefined>, intervalMs = 100) {
    this.#loop = (async () => {
      while (this.#running) {
        this.samples.push({ at: Date.now(), ok: await probe() });
        await sleep(intervalMs);
      }
    })();
  }

  get latest(): boolean | undefined {
    return this.samples.at(-1)?.ok;
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  /** When the probe first said no at or after `since`, and when it said yes again after that. */
  outage(since: number): { downAt?: number; upAt?: number } {
    const downAt = this.samples.find((sample) => sample.at >= since && sample.ok === false)?.at;
    if (downAt === undefined) return {};
    return { downAt, upAt: this.samples.find((sample) => sample.at > downAt && sample.ok)?.at };
  }
}

/** GET /health/ready on the daemon's health port: true on 200, false on 503, undefined if no answer. */
export async function ready(port: number): Promise<boolean | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`, {
      signal: AbortSignal.timeout(2000),
    });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return undefined;
  }
}

/**
 * The daemon's progress gauges from /metrics (lag, in flight, ready, poll failures), one line each:
 * what a failed wait reports, so a stuck daemon says where it is stuck.
 */
export async function progressGauges(port: number): Promise<string> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) });
    const text = await response.text();
    return text
      .split('\n')
      .filter((line) =>
        /^switchyard_(consumer_lag_messages|messages_in_flight|ready|consecutive_poll_failures)/.test(line),
      )
      .join('; ');
  } catch (error) {
    return `no metrics: ${(error as Error).message}`;
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` (a server is up). */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Prints one quotable figure line: `FIGURE <name>: key=value …`. */
export function printFigure(name: string, fields: Record<string, string | number>): void {
  const text = Object.entries(fields)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  console.log(`FIGURE ${name}: ${text}`);
  recordFigure(inject('figuresLedger'), `FIGURE ${name}: ${text}`);
}

/** A fresh temporary directory for the calling suite's ledgers, removed after it; call it in a test or hook. */
export function scratchDir(name: string): () => string {
  // Made when the suite runs (not when it is collected: a skipped or filtered suite leaves nothing).
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `switchyard-${name}-`));
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error(`scratchDir(${name}) used outside its suite's tests`);
    return dir;
  };
}

export const seconds = (ms: number): number => Math.round(ms / 100) / 10;

export interface Tally {
  /** Test events no line says were handled. */
  readonly lost: string[];
  /** Lines beyond the first for the same event. */
  readonly duplicates: number;
  /** Ids that are no test event (should never happen). */
  readonly unexpected: string[];
}

/** What these finished lines say about the `count` test events (`keys` keys). */
export function tally(finished: readonly LedgerLine[], count: number, keys: number): Tally {
  const expected = eventIds(count, keys);
  const known = new Set(expected);
  const handled = new Set(finished.map(({ id }) => id));
  return {
    lost: expected.filter((id) => !handled.has(id)),
    duplicates: finished.length - handled.size,
    unexpected: [...handled].filter((id) => !known.has(id)),
  };
}

/** The test events' ids (`key/seq`) as `events()` numbers them: `keys` keys, seq per key. */
export function eventIds(count: number, keys: number): string[] {
  return Array.from({ length: count }, (_, index) => `k${index % keys}/${Math.floor(index / keys)}`);
}
