import type { Transport } from '../../transport/Transport.js';
import type { MessageContext } from '../../pipeline/MessageContext.js';
import { FixedDelayTimers } from '../../timing/FixedDelayTimers.js';

/**
 * Extends the lease (SQS visibility) of messages whose handlers are still running, every
 * `leaseSeconds × leaseExtendFraction`. One timer for all of them, not one per message.
 */
export class LeaseKeeper {
  readonly #timers: FixedDelayTimers<MessageContext> | undefined;

  constructor(
    private readonly transport: Transport,
    extendFraction: number,
  ) {
    const lease = transport.leaseSeconds;
    this.#timers =
      lease === undefined || lease <= 0
        ? undefined
        : new FixedDelayTimers(lease * 1000 * extendFraction, (context) => this.#extend(context, lease));
  }

  keep(context: MessageContext): void {
    this.#timers?.schedule(context);
  }

  drop(context: MessageContext): void {
    this.#timers?.cancel(context);
  }

  close(): void {
    this.#timers?.clear();
  }

  #extend(context: MessageContext, lease: number): void {
    this.#timers?.schedule(context);
    this.transport.extend(context.transportMessage, lease).catch((error: unknown) => {
      context.logger.warn({ err: error }, 'could not extend the lease; the message may be delivered twice');
    });
  }
}
