import type { Logger } from 'pino';
import type { ConsumerConfig } from '../config/ConsumerConfig.js';
import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';
import { actionFor, type Outcome } from '../outcomes/Outcome.js';
import { MessageContext } from '../pipeline/MessageContext.js';
import type { MessagePipeline } from '../pipeline/MessagePipeline.js';
import { describeError } from '../pipeline/stages/ClassifyErrorsStage.js';
import type { Transport, TransportMessage } from '../transport/Transport.js';
import type { DaemonStatus } from './DaemonStatus.js';
import { KeyedScheduler } from './KeyedScheduler.js';
import { KeyOrderGuard } from './KeyOrderGuard.js';
import type { OutcomeCounter } from './OutcomeCounter.js';
import { Acknowledger } from './runner/Acknowledger.js';
import { LeaseKeeper } from './runner/LeaseKeeper.js';
import { PermitGate } from './runner/PermitGate.js';
import { PollLoop } from './runner/PollLoop.js';

// After the shutdown deadline, aborted handlers get this long to report their outcome.
const ABORT_GRACE_MS = 2000;

/**
 * Runs the daemon's messages: the poll loop receives while the permit gate has room (never more
 * than `concurrency` held), each message goes through the pipeline, the acknowledger applies its
 * outcome, and the lease keeper extends leases of long handlers. On stop it drains in-flight work
 * within the deadline and releases the rest. Messages sharing an ordering key run in order; when
 * one is nacked, its held successors are released too, so the transport redelivers the key's
 * messages in their original order.
 */
export class ConsumerRunner {
  readonly #scheduler = new KeyedScheduler();
  readonly #pollAbort = new AbortController();
  // One signal for every message: aborted when shutdown's deadline passes.
  readonly #shutdownAbort = new AbortController();
  readonly #inFlight = new Set<MessageContext>();
  readonly #keyOrder = new KeyOrderGuard();
  readonly #gate: PermitGate;
  readonly #leases: LeaseKeeper;
  readonly #acknowledger: Acknowledger;
  readonly #poll: PollLoop;
  #released = 0;
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly pipeline: MessagePipeline,
    private readonly config: ConsumerConfig,
    private readonly logger: Logger,
    private readonly counter: OutcomeCounter,
    private readonly status: DaemonStatus,
  ) {
    this.#gate = new PermitGate(config.concurrency);
    this.#leases = new LeaseKeeper(transport, config.leaseExtendFraction);
    this.#acknowledger = new Acknowledger(transport, {
      baseSeconds: config.backoffBaseSeconds,
      maxSeconds: config.backoffMaxSeconds,
    });
    this.#poll = new PollLoop(transport, this.#gate, status, logger);
  }

  start(): void {
    this.#loop ??= this.#poll.run(this.#pollAbort.signal, (batch) => {
      this.counter.countReceived(batch);
      for (const message of batch) this.#submit(message);
    });
  }

  /** Single-flight: stop polling, let in-flight finish until the deadline, release the rest, close. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  get isStopping(): boolean {
    return this.#stopping !== undefined;
  }

  #submit(message: TransportMessage): void {
    const key = message.orderingKey;
    const sequence = key === undefined ? 0 : this.#keyOrder.hold(key);
    this.#gate.take(1);
    this.status.inFlight = this.#gate.held;
    this.#scheduler.submit(key, async () => {
      try {
        const overtakes = key !== undefined && this.#keyOrder.mustRelease(key, sequence);
        if (this.#stopping !== undefined || overtakes) await this.#release(message);
        else await this.#process(message);
      } finally {
        if (key !== undefined) this.#keyOrder.done(key);
        this.#gate.release();
        this.status.inFlight = this.#gate.held;
      }
    });
  }

  async #process(message: TransportMessage): Promise<void> {
    const context = new MessageContext(message, this.transport.name, this.logger, this.#shutdownAbort.signal);
    this.#inFlight.add(context);
    this.#leases.keep(context);
    let outcome: Outcome;
    try {
      const result = this.pipeline.run(context);
      outcome = result instanceof Promise ? await result : result;
    } catch (error) {
      // Only a broken middleware gets here; the message is retried, never dropped.
      outcome = { kind: 'failed', reason: `pipeline error: ${describeError(error)}`, delaySeconds: 1, error };
      context.logger.error({ err: error }, 'pipeline error');
    } finally {
      this.#leases.drop(context);
      this.#inFlight.delete(context);
    }
    const applied = await this.#acknowledger.apply(message, outcome, context);
    // A redelivered message must not be overtaken by later messages of its key.
    if (message.orderingKey !== undefined && actionFor(applied) === 'nack')
      this.#keyOrder.nacked(message.orderingKey);
    // Counted once the transport has been told, so whoever waits on the count sees the final state.
    this.counter.record({
      messageId: message.id,
      mediaType: context.mediaType,
      handler: context.handler?.name,
      outcome: applied,
    });
  }

  async #release(message: TransportMessage): Promise<void> {
    this.#released += 1;
    await this.#acknowledger.release(message, this.logger);
  }

  async #shutdown(): Promise<void> {
    this.status.draining = true;
    this.#pollAbort.abort();
    await this.#loop;
    const deadline = performance.now() + this.config.shutdownTimeoutMs;
    this.logger.info(
      { held: this.#gate.held, deadlineMs: this.config.shutdownTimeoutMs },
      'stopping: draining in-flight messages',
    );
    await this.#drainUntil(deadline);
    if (this.#gate.held > 0) {
      this.logger.warn(
        { inFlight: this.#inFlight.size },
        'shutdown deadline passed; aborting handlers and releasing their messages',
      );
      this.#shutdownAbort.abort();
      const aborted = new SwitchyardError(
        ErrorCodes.HANDLER_TIMEOUT,
        'handler aborted at the shutdown deadline',
      );
      for (const context of this.#inFlight) context.abortHandler(aborted);
      await this.#drainUntil(performance.now() + ABORT_GRACE_MS);
    }
    if (this.#released > 0)
      this.logger.info({ released: this.#released }, 'released unstarted messages for redelivery');
    this.#leases.close();
    this.pipeline.close();
    await this.transport.close();
  }

  async #drainUntil(deadline: number): Promise<void> {
    while (this.#gate.held > 0 && performance.now() < deadline)
      await this.#gate.waitForProgress(Math.min(1000, deadline - performance.now()));
  }
}
