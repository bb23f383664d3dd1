import type { Logger } from 'pino';
import type { ConsumerConfig } from '../config/ConsumerConfig.js';
import { fullJitterDelaySeconds } from '../outcomes/backoff.js';
import { actionFor, type Outcome } from '../outcomes/Outcome.js';
import { MessageContext } from '../pipeline/MessageContext.js';
import type { MessagePipeline } from '../pipeline/MessagePipeline.js';
import { describeError } from '../pipeline/stages/ClassifyErrorsStage.js';
import type { Transport, TransportMessage } from '../transport/Transport.js';
import type { DaemonStatus } from './DaemonStatus.js';
import { KeyedScheduler } from './KeyedScheduler.js';
import { KeyOrderGuard } from './KeyOrderGuard.js';
import type { OutcomeCounter } from './OutcomeCounter.js';

// Transport errors while polling back off from 100 ms up to 30 s, with jitter.
const POLL_BACKOFF = { baseSeconds: 0.1, maxSeconds: 30 };
// After the shutdown deadline, aborted handlers get this long to report their outcome.
const ABORT_GRACE_MS = 2000;

/**
 * The poll loop: receives while it has room (never holding more than `concurrency` messages),
 * runs each message through the pipeline, applies its outcome to the transport, extends leases of
 * long handlers, and on stop drains in-flight work within the deadline and releases the rest.
 * Messages sharing an ordering key run in order; when one is nacked, its held successors are
 * released too, so the transport redelivers the key's messages in their original order.
 */
export class ConsumerRunner {
  readonly #scheduler = new KeyedScheduler();
  readonly #pollAbort = new AbortController();
  readonly #inFlight = new Set<AbortController>();
  readonly #keyOrder = new KeyOrderGuard();
  #held = 0;
  #released = 0;
  readonly #progressWaiters = new Set<() => void>();
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly pipeline: MessagePipeline,
    private readonly config: ConsumerConfig,
    private readonly logger: Logger,
    private readonly counter: OutcomeCounter,
    private readonly status: DaemonStatus,
  ) {}

  start(): void {
    this.#loop ??= this.#pollLoop();
  }

  /** Single-flight: stop polling, let in-flight finish until the deadline, release the rest, close. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  get isStopping(): boolean {
    return this.#stopping !== undefined;
  }

  async #pollLoop(): Promise<void> {
    let failureStreak = 0;
    while (!this.#pollAbort.signal.aborted) {
      const room = this.config.concurrency - this.#held;
      if (room <= 0) {
        await this.#progress();
        continue;
      }
      let batch: TransportMessage[];
      try {
        // The whole room: a transport may fill it with several fetches at once (SQS pollers).
        batch = await this.transport.receive(room, this.#pollAbort.signal);
        if (failureStreak > 0) this.logger.info({ failures: failureStreak }, 'receive recovered');
        failureStreak = 0;
        this.status.pollSucceeded();
      } catch (error) {
        if (this.#pollAbort.signal.aborted) break;
        failureStreak += 1;
        this.status.pollFailed(describeError(error));
        // Log the first failure of a streak, not every retry: a down broker must not flood the logs.
        if (failureStreak === 1)
          this.logger.error({ err: error }, 'receive failed; backing off and retrying');
        await sleep(fullJitterDelaySeconds(failureStreak, POLL_BACKOFF) * 1000, this.#pollAbort.signal);
        continue;
      }
      if (batch.length > 0) this.counter.countReceived(batch.length);
      for (const message of batch) this.#submit(message);
    }
  }

  #submit(message: TransportMessage): void {
    const key = message.orderingKey;
    const sequence = key === undefined ? 0 : this.#keyOrder.hold(key);
    this.#held += 1;
    this.status.inFlight = this.#held;
    this.#scheduler.submit(key, async () => {
      try {
        const overtakes = key !== undefined && this.#keyOrder.mustRelease(key, sequence);
        if (this.#stopping !== undefined || overtakes) await this.#release(message);
        else await this.#process(message);
      } finally {
        this.#held -= 1;
        this.status.inFlight = this.#held;
        if (key !== undefined) this.#keyOrder.done(key);
        for (const wake of [...this.#progressWaiters]) wake();
      }
    });
  }

  async #process(message: TransportMessage): Promise<void> {
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const context = new MessageContext(message, this.transport.name, this.logger, controller.signal);
    const stopHeartbeat = this.#startHeartbeat(message, context);
    let outcome: Outcome;
    try {
      outcome = await this.pipeline.run(context);
    } catch (error) {
      // Only a broken middleware gets here; the message is retried, never dropped.
      outcome = { kind: 'failed', reason: `pipeline error: ${describeError(error)}`, delaySeconds: 1, error };
      context.logger.error({ err: error }, 'pipeline error');
    } finally {
      stopHeartbeat();
      this.#inFlight.delete(controller);
    }
    await this.#apply(message, outcome, context);
    // A redelivered message must not be overtaken by later messages of its key.
    if (message.orderingKey !== undefined && actionFor(outcome) === 'nack')
      this.#keyOrder.nacked(message.orderingKey);
    // Counted once the transport has been told, so whoever waits on the count sees the final state.
    this.counter.record({ messageId: message.id, mediaType: context.mediaType, outcome });
  }

  async #apply(message: TransportMessage, outcome: Outcome, context: MessageContext): Promise<void> {
    const action = actionFor(outcome);
    try {
      if (action === 'ack') await this.transport.ack(message);
      else if (action === 'nack') await this.transport.nack(message, outcome.delaySeconds ?? 0);
      else
        await this.transport.deadLetter(message, {
          reason: outcome.reason ?? outcome.kind,
          attempts: message.attempt,
        });
    } catch (error) {
      // The transport still holds the message and will deliver it again: a duplicate, never a loss.
      context.logger.error(
        { err: error, action },
        `could not ${action} the message; it will be delivered again`,
      );
    }
  }

  async #release(message: TransportMessage): Promise<void> {
    this.#released += 1;
    try {
      await (this.transport.release?.(message) ?? this.transport.nack(message, 0));
    } catch (error) {
      this.logger.warn(
        { err: error, messageId: message.id },
        'could not release the message; it returns after its lease',
      );
    }
  }

  #startHeartbeat(message: TransportMessage, context: MessageContext): () => void {
    const lease = this.transport.leaseSeconds;
    if (lease === undefined || lease <= 0) return () => undefined;
    const timer = setInterval(
      () => {
        this.transport.extend(message, lease).catch((error: unknown) => {
          context.logger.warn(
            { err: error },
            'could not extend the lease; the message may be delivered twice',
          );
        });
      },
      lease * 1000 * this.config.leaseExtendFraction,
    );
    return () => clearInterval(timer);
  }

  async #shutdown(): Promise<void> {
    this.status.draining = true;
    this.#pollAbort.abort();
    await this.#loop;
    const deadline = performance.now() + this.config.shutdownTimeoutMs;
    this.logger.info(
      { held: this.#held, deadlineMs: this.config.shutdownTimeoutMs },
      'stopping: draining in-flight messages',
    );
    while (this.#held > 0 && performance.now() < deadline) await this.#progress(deadline - performance.now());
    if (this.#held > 0) {
      this.logger.warn(
        { inFlight: this.#inFlight.size },
        'shutdown deadline passed; aborting handlers and releasing their messages',
      );
      for (const controller of this.#inFlight) controller.abort();
      const graceEnd = performance.now() + ABORT_GRACE_MS;
      while (this.#held > 0 && performance.now() < graceEnd)
        await this.#progress(graceEnd - performance.now());
    }
    if (this.#released > 0)
      this.logger.info({ released: this.#released }, 'released unstarted messages for redelivery');
    await this.transport.close();
  }

  /** Resolves when a message finishes, or after `maxMs`. */
  #progress(maxMs = 1000): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#progressWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, maxMs));
      this.#progressWaiters.add(done);
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
