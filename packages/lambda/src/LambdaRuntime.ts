import type { Context } from 'aws-lambda';
import {
  ContainerModule,
  DestinationRouter,
  MemoryProducer,
  TOKENS,
  type ConsumerDaemon,
  type RunningDaemon,
} from '@switchyard/core';
import { Invocation, type FailedRecord } from './Invocation.js';
import { InvocationMiddleware } from './InvocationMiddleware.js';
import { DEFAULT_DEADLINE_MARGIN_MS, type LambdaHandlerOptions } from './LambdaHandlerOptions.js';
import type { LambdaMessage } from './LambdaMessage.js';
import { LambdaTransport } from './LambdaTransport.js';

export type DaemonClass = new () => ConsumerDaemon;

interface Started {
  readonly running: RunningDaemon;
  readonly transport: LambdaTransport;
}

/**
 * One daemon per Lambda container: its graph is built on the first invocation and reused by every
 * later one (a failed start is retried by the next). Each invocation feeds its records to the
 * daemon's runner through the Lambda transport and waits until each has an outcome, or until the
 * deadline is near.
 */
export class LambdaRuntime {
  #started: Promise<Started> | undefined;

  constructor(
    private readonly Daemon: DaemonClass,
    private readonly options: LambdaHandlerOptions,
  ) {}

  /** The records' failures once every record has an outcome, or once the deadline margin is reached. */
  async run(
    toMessages: (invocation: Invocation) => LambdaMessage[],
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<FailedRecord[]> {
    const { transport, running } = await this.daemon();
    const invocation = new Invocation();
    const messages = toMessages(invocation);
    invocation.add(messages);
    transport.feed(messages);
    const margin = this.options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS;
    if (!(await settledWithin(invocation.finished, context.getRemainingTimeInMillis() - margin))) {
      running.logger.warn(
        { unsettled: invocation.unsettledCount, remainingMs: context.getRemainingTimeInMillis() },
        'the Lambda deadline is near: aborting running handlers and failing records not yet started',
      );
      transport.withdraw(
        (queued) => queued.invocation === invocation,
        'not started before the Lambda deadline',
      );
      invocation.expire(context.getRemainingTimeInMillis());
      // Aborted handlers report at once; half the margin is left for a middleware or a dead letter.
      await settledWithin(invocation.finished, context.getRemainingTimeInMillis() - margin / 2);
    }
    if (invocation.unsettledCount > 0)
      running.logger.error(
        { unsettled: invocation.unsettledCount },
        'records without an outcome at the Lambda deadline are reported as failed',
      );
    invocation.close('no outcome before the Lambda deadline');
    await this.#afterInvocation(running);
    return invocation.failures;
  }

  /** The running daemon, started on first use. */
  daemon(): Promise<Started> {
    this.#started ??= this.#start().catch((error: unknown) => {
      this.#started = undefined;
      throw error;
    });
    return this.#started;
  }

  /** Stops the daemon, if it was started (tests; Lambda freezes the container instead). */
  async stop(): Promise<void> {
    const started = this.#started;
    this.#started = undefined;
    if (started !== undefined) await (await started.catch(() => undefined))?.running.stop();
  }

  async #afterInvocation(running: RunningDaemon): Promise<void> {
    try {
      await this.options.afterInvocation?.(running);
    } catch (error) {
      running.logger.warn({ err: error }, "afterInvocation failed; the records' outcomes stand");
    }
  }

  async #start(): Promise<Started> {
    const { deadLetterDestination } = this.options;
    const lambda = new ContainerModule(({ bind, rebind }) => {
      rebind(TOKENS.Transport).toDynamicValue(
        (context) => new LambdaTransport(context.get(DestinationRouter), deadLetterDestination),
      );
      // Bound after every other module: the innermost middleware.
      bind(TOKENS.Middleware).toConstantValue(new InvocationMiddleware());
    });
    const daemon = new this.Daemon();
    let running: RunningDaemon;
    try {
      running = await daemon.start({
        argv: this.options.argv ?? [],
        env: this.options.env ?? process.env,
        modules: [...(this.options.modules ?? []), lambda],
        ...(this.options.logger === undefined ? {} : { logger: this.options.logger }),
      });
    } catch (error) {
      // As `main()` words it; thrown, so Lambda retries the event and the next invocation the start.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${daemon.name}: cannot start: ${reason}`, { cause: error });
    }
    if (running.container.get(TOKENS.TransportProducer) instanceof MemoryProducer)
      running.logger.warn(
        'messages handlers publish would go to the embedded in-memory bus, which nothing consumes in Lambda: ' +
          'to publish, select the transport (daemon.transport=sqs or kafka) and give it its producer settings',
      );
    return { running, transport: running.container.get<LambdaTransport>(TOKENS.Transport) };
  }
}

/** Whether `promise` settled within `ms` (at once when `ms` ≤ 0 and it has not). */
async function settledWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>(
    (resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))),
  );
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
