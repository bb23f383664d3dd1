import { ErrorCodes } from '../../errors/codes.js';
import { SwitchyardError } from '../../errors/SwitchyardError.js';
import type { Outcome } from '../../outcomes/Outcome.js';
import { DeferredProducer } from '../../producer/DeferredProducer.js';
import type { Producer } from '../../producer/Producer.js';
import type { MessageContext } from '../MessageContext.js';
import type { Middleware } from '../Middleware.js';

/**
 * Runs the handler with a timeout, then sends what it published. Only when both succeed is the
 * outcome `succeeded`; the innermost step, so it never calls `next`.
 */
export class InvokeHandlerStage implements Middleware {
  readonly name = 'invoke-handler';

  constructor(
    private readonly producer: Producer,
    private readonly timeoutMs: number,
  ) {}

  async handle(context: MessageContext): Promise<Outcome> {
    const { handler, message } = context;
    if (handler === undefined || message === undefined)
      throw new Error('invoke-handler ran before dispatch/validate');
    const producer = new DeferredProducer(this.producer, context.opaqueData);
    context.producer = producer;
    // One controller aborted by either the timeout or shutdown (AbortSignal.any would cost a weak
    // reference per message, which showed up as garbage-collection time in the benchmark).
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    context.signal.addEventListener('abort', abort, { once: true });
    if (context.signal.aborted) abort();
    const { signal } = controller;
    const timer = this.timeoutMs > 0 ? setTimeout(abort, this.timeoutMs) : undefined;
    try {
      await Promise.race([
        handler.invoke(message, context.handlerContext(signal)),
        rejectWhenAborted(signal, this.timeoutMs),
      ]);
    } finally {
      clearTimeout(timer);
      context.signal.removeEventListener('abort', abort);
    }
    await producer.flush();
    return { kind: 'succeeded' };
  }
}

// JavaScript cannot stop a running function: on timeout the handler is told through its signal and
// the message is counted as failed (and retried); the handler's late result is ignored.
function rejectWhenAborted(signal: AbortSignal, timeoutMs: number): Promise<never> {
  return new Promise((_, reject) => {
    const abort = (): void =>
      reject(
        new SwitchyardError(
          ErrorCodes.HANDLER_TIMEOUT,
          `handler aborted (timeout ${timeoutMs} ms or shutdown)`,
        ),
      );
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
}
