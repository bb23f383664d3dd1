import { setTimeout as sleep } from 'node:timers/promises';
import { fullJitterDelaySeconds, type BackoffPolicy } from '@switchyard/core';
import type { Logger } from 'pino';

/** Consumer restarts back off like handler retries (core's full jitter), from 0.5 s up to 30 s. */
export const RESTART_BACKOFF: BackoffPolicy = { baseSeconds: 0.5, maxSeconds: 30 };

/**
 * One consumer restart at a time, with backoff: a restart that fails (or whose new consumer
 * crashes for good while joining the group) is scheduled again, further off; one that succeeds
 * resets the backoff. Crash and stall reports while one is under way wait for its outcome.
 */
export interface Restartable {
  /** Called as a restart is scheduled: the current consumer stops counting (its events are ignored). */
  retire(): void;
  /** Replaces the retired consumer by a new one; throws if that fails. */
  restart(): Promise<void>;
}

export class ConsumerRestarts {
  #attempts = 0;
  #restarting = false;
  /** Set when the consumer being started crashes for good before its start resolves. */
  #failedWhileStarting = false;
  #timer: NodeJS.Timeout | undefined;
  #run: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly target: Restartable,
    private readonly logger: Logger,
    private readonly policy: BackoffPolicy = RESTART_BACKOFF,
  ) {}

  get restarting(): boolean {
    return this.#restarting;
  }

  /** The consumer a restart is starting crashed for good: that restart counts as failed. */
  failedWhileStarting(): void {
    this.#failedWhileStarting = true;
  }

  /** Retires the consumer and restarts it after the backoff, unless a restart is under way already. */
  schedule(): void {
    if (this.#stopped || this.#restarting) return;
    this.#restarting = true;
    this.target.retire();
    this.#attempts += 1;
    const delayMs = fullJitterDelaySeconds(this.#attempts, this.policy) * 1000;
    this.#timer = setTimeout(() => {
      this.#run = this.#attempt().finally(() => (this.#run = undefined));
    }, delayMs);
  }

  /** No restart after this; one under way is waited for (bounded), so no consumer outlives it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    // Unref'd: a timer must not keep a stopped daemon alive.
    await Promise.race([this.#run, sleep(10_000, undefined, { ref: false })]);
  }

  async #attempt(): Promise<void> {
    if (this.#stopped) return;
    try {
      this.#failedWhileStarting = false;
      await this.target.restart();
      if (this.#failedWhileStarting) throw new Error('the new consumer crashed while joining the group');
    } catch (error) {
      this.logger.error({ err: error }, 'kafka consumer restart failed; trying again');
      this.#restarting = false;
      this.schedule();
      return;
    }
    this.#attempts = 0;
    this.#restarting = false;
    if (!this.#stopped) this.logger.info('kafka consumer restarted');
  }
}
