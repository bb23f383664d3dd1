import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import Tinypool from 'tinypool';
import { ownBytes } from './ownBytes.js';
import type {
  BatchReply,
  BatchTask,
  InTurnAnswer,
  ProbeReply,
  ProbeTask,
  WorkerReply,
  WorkerTask,
} from './protocol.js';

export type WorkerRuntime = 'threads' | 'processes';

/**
 * Messages handed to a worker at once when `concurrency` is auto: an async handleEvent runs them at
 * once; a sync one on a worker thread runs them in turn, having the next while it answers one.
 */
export const AUTO_CONCURRENCY = 8;

export interface WorkerPoolOptions {
  readonly handlerFile: string;
  readonly workers: number;
  readonly runtime: WorkerRuntime;
  /**
   * Messages handed to one worker together (one round trip for all); 'auto': AUTO_CONCURRENCY,
   * except 1 for a sync handleEvent on processes (decided by probe()). An async handler's run at
   * once; a sync handler's, on threads, one after another, each answered as it ends (#runInTurn).
   */
  readonly concurrency: number | 'auto';
  /** Environment the workers see: the daemon's, plus `processor.env`. */
  readonly env: Readonly<Record<string, string>>;
  /** A task still running after this is a crash: its worker is stopped and replaced. */
  readonly timeoutMs: number;
  /** Heap limit per worker (threads: resourceLimits; processes: --max-old-space-size); 0 = Node's. */
  readonly maxMemoryMb: number;
}

export interface RunOptions {
  /** Aborted: the message leaves the queue, or stops being waited for (see #runBatch). */
  readonly signal?: AbortSignal;
  /** Runs on a worker with no other message (its last crash happened beside others). */
  readonly alone?: boolean;
}

/** A worker died under a task: it threw at top level, exited, ran out of memory, or outlived its timeout. */
export class WorkerCrash extends Error {
  /**
   * @param messagesInWorker how many messages the worker was running when it died: above 1, any of
   *   them may have killed it.
   */
  constructor(
    reason: string,
    readonly messagesInWorker = 1,
  ) {
    super(reason);
    this.name = 'WorkerCrash';
  }
}

interface Pending {
  readonly task: WorkerTask;
  readonly signal: AbortSignal | undefined;
  readonly alone: boolean;
  settled: boolean;
  readonly resolve: (reply: WorkerReply) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The handler's workers, on tinypool (threads or child processes from one library). tinypool
 * replaces a worker that dies and rejects the task it held; this class turns each way of dying
 * into a `WorkerCrash` with its reason, stops a task that outlives `timeoutMs` (tinypool
 * terminates the worker behind an aborted task), and keeps the handler's own failures apart:
 * those come back as replies, never as rejections.
 *
 * A worker gets one task at a time: a batch of up to `concurrency` waiting messages. (tinypool's
 * own concurrentTasksPerWorker is off for tasks with an abort signal, and every task here has one,
 * its timeout; and one round trip per batch is cheaper than one per message.) An async handler's
 * batch runs at once and is answered together; a sync handler's batch on threads runs in turn and
 * each message is answered as it ends, so the worker never waits for the daemon between them.
 */
export class WorkerPool {
  readonly #pool: Tinypool;
  /** Messages waiting for a worker; a batch is handed to tinypool only when a worker is free. */
  readonly #waiting: Pending[] = [];
  #concurrency: number;
  /** Batches run one message after another, each answered as it ends (sync handler, threads). */
  #inTurn = false;
  #busy = 0;
  #completed = 0;
  #closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    const threads = options.runtime === 'threads';
    this.#concurrency = options.concurrency === 'auto' ? 1 : options.concurrency;
    this.#pool = new Tinypool({
      filename: workerEntryFile(),
      runtime: threads ? 'worker_threads' : 'child_process',
      minThreads: options.workers,
      maxThreads: options.workers,
      // Never used: a task reaches tinypool only when a worker is free (see #dispatch).
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

  /**
   * Loads the handler in one worker and returns what it exports (the start-up check); settles an
   * 'auto' concurrency by whether handleEvent is async.
   */
  async probe(): Promise<readonly string[]> {
    const task: ProbeTask = { kind: 'probe' };
    this.#busy += 1;
    let reply: ProbeReply;
    try {
      reply = (await this.#runOnWorker(task, undefined)) as ProbeReply;
    } finally {
      this.#busy -= 1;
      this.#dispatch();
    }
    if (reply.kind === 'threw') throw new Error(`${reply.name}: ${reply.message}`);
    // A child process has no port to answer each message on: its sync handler runs one per task.
    this.#inTurn = !reply.asyncHandleEvent && this.options.runtime === 'threads';
    if (this.options.concurrency === 'auto')
      this.#concurrency = reply.asyncHandleEvent || this.#inTurn ? AUTO_CONCURRENCY : 1;
    return reply.exports;
  }

  /**
   * Runs one message; rejects with `WorkerCrash` when its worker died, or with `signal`'s reason.
   * It shares its worker with up to `concurrency - 1` others unless `alone`.
   */
  run(task: WorkerTask, options: RunOptions = {}): Promise<WorkerReply> {
    const { signal, alone = false } = options;
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    if (this.#closed) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise<WorkerReply>((resolve, reject) => {
      // Only the body's own bytes cross to the worker, not the buffer it may be a view on.
      const own = { ...task, body: ownBytes(task.body) };
      const pending: Pending = { task: own, signal, alone, settled: false, resolve, reject };
      signal?.addEventListener('abort', () => this.#leaveQueue(pending), { once: true });
      this.#waiting.push(pending);
      this.#dispatch();
    });
  }

  /** Messages waiting for a free worker. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** Messages finished since start (whatever their result). */
  get completed(): number {
    return this.#completed;
  }

  get workers(): number {
    return this.options.workers;
  }

  /** Messages handed to one worker together (settled by probe() when configured as auto). */
  get concurrency(): number {
    return this.#concurrency;
  }

  /** Whether a worker runs its messages one after another, each answered as it ends (sync handler, threads). */
  get inTurn(): boolean {
    return this.#inTurn;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Nothing waits after a drain; anything that still does is told, not left hanging.
    for (const pending of this.#waiting.splice(0)) settle(pending, () => pending.reject(closedError()));
    await this.#pool.destroy();
  }

  /** Hands batches to free workers while messages wait. */
  #dispatch(): void {
    while (this.#busy < this.options.workers && this.#waiting.length > 0) {
      this.#busy += 1;
      const batch = this.#takeBatch();
      void (this.#inTurn ? this.#runInTurn(batch) : this.#runBatch(batch)).finally(() => {
        this.#busy -= 1;
        this.#dispatch();
      });
    }
  }

  /** The first waiting message, with up to concurrency - 1 more that may share a worker with it. */
  #takeBatch(): Pending[] {
    const first = this.#waiting.shift()!;
    const batch = [first];
    if (first.alone) return batch;
    for (let index = 0; index < this.#waiting.length && batch.length < this.#concurrency;) {
      const next = this.#waiting[index]!;
      if (next.alone) index += 1;
      else batch.push(...this.#waiting.splice(index, 1));
    }
    return batch;
  }

  #leaveQueue(pending: Pending): void {
    const index = this.#waiting.indexOf(pending);
    if (index >= 0) this.#waiting.splice(index, 1);
    settle(pending, () => pending.reject(pending.signal?.reason));
  }

  /**
   * One batch on one worker. A message whose signal aborts is answered with its reason at once;
   * when nobody waits for any of the batch any more, the worker is stopped (tinypool replaces it).
   */
  async #runBatch(batch: Pending[]): Promise<void> {
    const abandoned = abandonedWhenAllSettled(batch);
    const task: BatchTask = { kind: 'batch', messages: batch.map((pending) => pending.task) };
    try {
      const reply = (await this.#runOnWorker(task, abandoned.signal)) as BatchReply;
      batch.forEach((pending, index) => settle(pending, () => pending.resolve(reply.replies[index]!)));
    } catch (error) {
      const crash = error instanceof WorkerCrash ? new WorkerCrash(error.message, batch.length) : error;
      for (const pending of batch) settle(pending, () => pending.reject(crash));
    } finally {
      this.#completed += batch.length;
      abandoned.release();
    }
  }

  /**
   * A sync handler's batch on a worker thread: the worker runs the messages one after another and
   * answers each on a port of its own as it ends, so the daemon acts on it while the worker is
   * already on the next. Each message has its own timeoutMs clock (from the answer before it), and
   * only one runs at a time, so a crash is the running message's own: it counts against it alone;
   * the messages after it never ran and go back to the head of the queue, in their order.
   */
  async #runInTurn(batch: Pending[]): Promise<void> {
    const abandoned = abandonedWhenAllSettled(batch);
    const timeout = new AbortController();
    const startClock = (): NodeJS.Timeout => setTimeout(() => timeout.abort(), this.options.timeoutMs);
    let timer = startClock();
    /** How many have been answered: the index of the one running now. */
    let answered = 0;
    const { port1: answers, port2 } = new MessageChannel();
    const answer = ({ index, reply }: InTurnAnswer): void => {
      const pending = batch[index]!;
      settle(pending, () => pending.resolve(reply));
      this.#completed += 1;
      answered = index + 1;
      clearTimeout(timer);
      timer = startClock();
    };
    answers.on('message', answer);
    // Answers sent but not read yet, before acting on the task's end (its reply comes on another port).
    const readAnswers = (): void => {
      for (let entry = receiveMessageOnPort(answers); entry; entry = receiveMessageOnPort(answers))
        answer(entry.message as InTurnAnswer);
    };
    const task: BatchTask = { kind: 'batch', messages: batch.map((pending) => pending.task), answers: port2 };
    try {
      await this.#pool.run(task, {
        signal: AbortSignal.any([timeout.signal, abandoned.signal]),
        transferList: [port2],
      });
      readAnswers();
      for (const pending of batch)
        settle(pending, () =>
          pending.reject(new Error('the worker ended its batch without answering this message')),
        );
    } catch (error) {
      readAnswers();
      if (abandoned.signal.aborted) return;
      const crashed = batch[answered];
      if (crashed !== undefined) {
        settle(crashed, () => crashed.reject(this.#crash(error, timeout.signal.aborted)));
        this.#completed += 1;
      }
      const unstarted = batch.slice(answered + 1).filter((pending) => !pending.settled);
      if (!this.#closed) this.#waiting.unshift(...unstarted);
      // Closed under them (close() without a drain): told, not left waiting for a worker.
      else for (const pending of unstarted) settle(pending, () => pending.reject(closedError()));
    } finally {
      clearTimeout(timer);
      answers.close();
      abandoned.release();
    }
  }

  /** One task on a free worker, stopped and reported as a crash after timeoutMs. */
  async #runOnWorker(task: BatchTask | ProbeTask, signal: AbortSignal | undefined): Promise<unknown> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
    const abort = signal === undefined ? timeout.signal : AbortSignal.any([timeout.signal, signal]);
    try {
      return await this.#pool.run(task, { signal: abort });
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      throw this.#crash(error, timeout.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }

  /** tinypool's rejection of a task as the crash it was: a timeout, or the way the worker died. */
  #crash(error: unknown, timedOut: boolean): WorkerCrash {
    if (timedOut)
      return new WorkerCrash(
        `the handler ran past processor.timeoutMs (${this.options.timeoutMs} ms); the worker was stopped and replaced`,
      );
    return new WorkerCrash(`${crashReason(error)}; the worker was replaced`);
  }
}

/**
 * Aborts when every message of the batch has been answered or has stopped being waited for (its
 * signal aborted): then nobody needs the worker's results and it is stopped. `release` ends the watch.
 */
function abandonedWhenAllSettled(batch: readonly Pending[]): { signal: AbortSignal; release(): void } {
  const abandoned = new AbortController();
  const onAbort = (): void => {
    if (batch.every((pending) => pending.settled)) abandoned.abort();
  };
  for (const pending of batch) pending.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: abandoned.signal,
    release: () => {
      for (const pending of batch) pending.signal?.removeEventListener('abort', onAbort);
    },
  };
}

function closedError(): Error {
  return new Error('the worker pool was closed before this message ran');
}

function settle(pending: Pending, answer: () => void): void {
  if (pending.settled) return;
  pending.settled = true;
  answer();
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
