import { ErrorCodes } from '../../errors/codes.js';
import { SwitchyardError } from '../../errors/SwitchyardError.js';
import type { Outcome } from '../../outcomes/Outcome.js';
import { DeferredProducer } from '../../producer/DeferredProducer.js';
import type { Producer } from '../../producer/Producer.js';
import { FixedDelayTimers } from '../../timing/FixedDelayTimers.js';
import type { MessageContext } from '../MessageContext.js';

const SUCCEEDED: Outcome = Object.freeze({ kind: 'succeeded' });

/**
 * Runs the handler with a timeout, then sends what it published. Only when both succeed is the
 * outcome `succeeded`. The innermost step. All handler timeouts share one timer (every message
 * has the same timeout, so they expire in the order they started); a handler that returns without
 * a promise costs no timer and no promise.
 */
export class InvokeHandlerStage {
  readonly name = 'invoke-handler';
  readonly #timeouts: FixedDelayTimers<MessageContext> | undefined;

  constructor(
    private readonly producer: Producer,
    timeoutMs: number,
  ) {
    this.#timeouts =
      timeoutMs > 0
        ? new FixedDelayTimers(timeoutMs, (context) =>
            context.abortHandler(
              new SwitchyardError(
                ErrorCodes.HANDLER_TIMEOUT,
                `handler aborted: it ran past its timeout of ${timeoutMs} ms`,
              ),
            ),
          )
        : undefined;
  }

  apply(context: MessageContext): Outcome | Promise<Outcome> {
    const { handler, message } = context;
    if (handler === undefined || message === undefined)
      throw new Error('invoke-handler ran before dispatch/validate');
    const producer = new DeferredProducer(this.producer, context.opaqueData);
    context.producer = producer;
    if (context.handlerAborted) return context.raceAbort(Promise.resolve(SUCCEEDED));
    const result = handler.invoke(message, context.handlerContext());
    if (!isPromiseLike(result)) return producer.pendingCount === 0 ? SUCCEEDED : this.#flush(producer);
    // The timeout runs from here: the handler's synchronous part could not have been cut short.
    this.#timeouts?.schedule(context);
    return this.#settle(context, producer, Promise.resolve(result));
  }

  async #settle(
    context: MessageContext,
    producer: DeferredProducer,
    running: Promise<void>,
  ): Promise<Outcome> {
    try {
      await context.raceAbort(running);
    } finally {
      this.#timeouts?.cancel(context);
    }
    if (producer.pendingCount > 0) await producer.flush();
    return SUCCEEDED;
  }

  async #flush(producer: DeferredProducer): Promise<Outcome> {
    await producer.flush();
    return SUCCEEDED;
  }

  /** Drops the pending timeouts (the daemon has stopped). */
  close(): void {
    this.#timeouts?.clear();
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<void> {
  return typeof (value as PromiseLike<void> | undefined)?.then === 'function';
}
