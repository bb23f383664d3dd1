import type { Container } from 'inversify';
import { pino, type Logger } from 'pino';
import type { LifecycleHook } from '../plugins/LifecycleHook.js';
import { Producer } from '../producer/Producer.js';
import { DestinationRouter } from '../producer/DestinationRouter.js';
import type { CliOptions } from './cli.js';
import type { ConsumerRunner } from './ConsumerRunner.js';
import type { DaemonStatus } from './DaemonStatus.js';
import type { OutcomeCounter } from './OutcomeCounter.js';

/** A started daemon: its graph, counters and status, and the way to stop it. */
export class RunningDaemon {
  readonly stopped: Promise<void>;
  #resolveStopped!: () => void;
  #stopping: Promise<void> | undefined;
  #hooks: readonly LifecycleHook[] = [];
  #failure: string | undefined;

  constructor(
    readonly name: string,
    readonly container: Container,
    readonly options: CliOptions,
    readonly logger: Logger,
    readonly counter: OutcomeCounter,
    readonly status: DaemonStatus,
    private readonly runner: ConsumerRunner,
  ) {
    this.stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
  }

  /** The daemon's producer, for publishing from outside a handler (immediately, not deferred). */
  get producer(): Producer {
    return this.container.get(Producer);
  }

  /** Graceful and single-flight: drain, release, close, stop the hooks; resolves when done. */
  stop(): Promise<void> {
    this.#stopping ??= this.runner
      .stop()
      .then(() => this.#closeProducer())
      .then(() => this.#stopHooks())
      .finally(() => this.#resolveStopped());
    return this.#stopping;
  }

  /**
   * Why the daemon stopped on a fatal error (`fail`), or undefined after a clean stop: `main()`
   * exits 1 with this line, so a supervisor never mistakes a crash for a finished job.
   */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** A fatal error after start-up (unreadable input, a dead companion): log it, stop, and exit 1. */
  fail(what: string, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    this.#failure ??= `${what}: ${reason}`;
    this.logger.fatal({ err: error }, what);
    return this.stop();
  }

  /** Starts each hook in order; if one fails, stops the daemon and what had started, then throws. */
  async startHooks(hooks: readonly LifecycleHook[]): Promise<void> {
    for (const hook of hooks) {
      try {
        await hook.start(this.container);
      } catch (error) {
        await this.stop();
        throw new Error(
          `${hook.name} could not start: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
      }
      this.#hooks = [...this.#hooks, hook];
    }
  }

  // After the runner: deferred messages of drained handlers have been sent by then.
  async #closeProducer(): Promise<void> {
    try {
      // The router closes the consuming transport's producer and any other it opened.
      await this.container.get(DestinationRouter).close();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not close the producer');
    }
  }

  async #stopHooks(): Promise<void> {
    for (const hook of [...this.#hooks].reverse()) {
      try {
        await hook.stop();
      } catch (error) {
        this.logger.warn({ err: error, hook: hook.name }, 'lifecycle hook failed to stop');
      }
    }
  }

  /**
   * Writes `<name> summary: received=… (redeliveries=…) succeeded=… …` after every log line before
   * it. pino writes standard output asynchronously, and its flush callback can come before the
   * buffered lines are out, so a line written to process.stdout would overtake the "draining" line
   * logged before it: when the logs go to standard output, the summary goes through their stream.
   */
  async writeSummary(write: (text: string) => void = this.#standardOutput()): Promise<void> {
    await flushed(this.logger);
    write(`${this.name} summary: ${this.counter.summaryLine()}\n`);
  }

  #standardOutput(): (text: string) => void {
    const stream = (this.logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
      { fd?: unknown; write(text: string): unknown } | undefined;
    if (stream?.fd === 1) return (text) => void stream.write(text);
    return (text) => void process.stdout.write(text);
  }

  /** Resolves once `count` messages have reached a final outcome. */
  finished(count: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.counter.finished >= count) return resolve();
      const unsubscribe = this.counter.onRecord(() => {
        if (this.counter.finished < count) return;
        unsubscribe();
        resolve();
      });
    });
  }
}

// A destination that cannot flush (a closed pipe) must not hold the summary back for ever.
const FLUSH_WAIT_MS = 1000;

function flushed(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, FLUSH_WAIT_MS);
    timer.unref();
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
