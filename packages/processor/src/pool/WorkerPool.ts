import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import type { ProbeTask, WorkerReply, WorkerTask } from './protocol.js';

export type WorkerRuntime = 'threads' | 'processes';

export interface WorkerPoolOptions {
  readonly handlerFile: string;
  readonly workers: number;
  readonly runtime: WorkerRuntime;
  /** Environment the workers see: the daemon's, plus `processor.env`. */
  readonly env: Readonly<Record<string, string>>;
  /** A task still running after this is a crash: its worker is stopped and replaced. */
  readonly timeoutMs: number;
  /** Heap limit per worker (threads: resourceLimits; processes: --max-old-space-size); 0 = Node's. */
  readonly maxMemoryMb: number;
}

/** A worker died under a task: it threw at top level, exited, ran out of memory, or outlived its timeout. */
export class WorkerCrash extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'WorkerCrash';
  }
}

/**
 * The handler's workers, on tinypool (threads or child processes from one library). tinypool
 * replaces a worker that dies and rejects the task it held; this class turns each way of dying
 * into a `WorkerCrash` with its reason, stops a task that outlives `timeoutMs` (tinypool
 * terminates the worker behind an aborted task), and keeps the handler's own failures apart:
 * those come back as replies, never as rejections.
 */
export class WorkerPool {
  readonly #pool: Tinypool;
  /** Tasks waiting for a free worker; each is handed to tinypool only when one is free. */
  readonly #waiting: (() => void)[] = [];
  #busy = 0;
  #completed = 0;
  #closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    const threads = options.runtime === 'threads';
    this.#pool = new Tinypool({
      filename: workerEntryFile(),
      runtime: threads ? 'worker_threads' : 'child_process',
      minThreads: options.workers,
      maxThreads: options.workers,
      // Never used: a task reaches tinypool only when a worker is free (see #freeWorker).
      maxQueue: options.workers,
      // Workers stay up between messages: initContext's state lives in them.
      idleTimeout: 0,
      isolateWorkers: false,
      env: { ...options.env, SWITCHYARD_HANDLER_FILE: options.handlerFile },
      // Buffers keep their type across a child process boundary (JSON would not).
      serialization: 'advanced',
      ...(options.maxMemoryMb > 0
        ? threads
          ? { resourceLimits: { maxOldGenerationSizeMb: options.maxMemoryMb } }
          : { execArgv: [`--max-old-space-size=${options.maxMemoryMb}`] }
        : {}),
    });
    // A child process that dies between tasks is reported here; tinypool has already replaced it.
    this.#pool.on('error', () => undefined);
  }

  /** Loads the handler in one worker and returns what it exports (the start-up check). */
  async probe(): Promise<readonly string[]> {
    const task: ProbeTask = { kind: 'probe' };
    const reply = await this.#run(task, undefined);
    if (reply.kind === 'probed') return reply.exports;
    if (reply.kind === 'threw') throw new Error(`${reply.name}: ${reply.message}`);
    throw new Error(`unexpected reply to the probe: ${reply.kind}`);
  }

  /** Runs one message; rejects with `WorkerCrash` when its worker died, or with `signal`'s reason. */
  run(task: WorkerTask, signal?: AbortSignal): Promise<WorkerReply> {
    return this.#run(task, signal);
  }

  /** Tasks waiting for a free worker. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** Tasks finished since start (whatever their result). */
  get completed(): number {
    return this.#completed;
  }

  get workers(): number {
    return this.options.workers;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.destroy();
  }

  async #run(task: WorkerTask | ProbeTask, signal: AbortSignal | undefined): Promise<WorkerReply> {
    await this.#freeWorker(signal);
    try {
      return await this.#runOnWorker(task, signal);
    } finally {
      this.#completed += 1;
      this.#busy -= 1;
      this.#waiting.shift()?.();
    }
  }

  /**
   * Waits until a worker is free and takes it. The timeout must count from when a worker starts
   * the task, not from when it was queued, so tasks are given to tinypool only when one is free.
   */
  async #freeWorker(signal: AbortSignal | undefined): Promise<void> {
    while (this.#busy >= this.options.workers) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          signal?.removeEventListener('abort', leave);
          resolve();
        };
        const leave = (): void => {
          const index = this.#waiting.indexOf(wake);
          if (index >= 0) this.#waiting.splice(index, 1);
          resolve();
        };
        this.#waiting.push(wake);
        signal?.addEventListener('abort', leave, { once: true });
      });
    }
    signal?.throwIfAborted();
    this.#busy += 1;
  }

  async #runOnWorker(task: WorkerTask | ProbeTask, signal: AbortSignal | undefined): Promise<WorkerReply> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
    const abort = signal === undefined ? timeout.signal : AbortSignal.any([timeout.signal, signal]);
    try {
      return (await this.#pool.run(task, { signal: abort })) as WorkerReply;
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      if (timeout.signal.aborted)
        throw new WorkerCrash(
          `the handler ran past processor.timeoutMs (${this.options.timeoutMs} ms); the worker was stopped and replaced`,
        );
      throw new WorkerCrash(`${crashReason(error)}; the worker was replaced`);
    } finally {
      clearTimeout(timer);
    }
  }
}

function crashReason(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'the worker ran out of memory';
  const text = typeof message === 'string' ? message : String(error);
  if (text.includes('exited unexpectedly'))
    return 'the worker process exited (process.exit, a crash or out of memory)';
  if (text.startsWith('the handler called process.exit')) return text;
  return `the worker crashed: ${text}`;
}

/** dist holds workerEntry.js; a run from source (tests) has only workerEntry.ts, which Node strips. */
function workerEntryFile(): string {
  const compiled = fileURLToPath(new URL('./workerEntry.js', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('./workerEntry.ts', import.meta.url));
}
