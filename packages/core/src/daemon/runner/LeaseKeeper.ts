import type { MessageContext } from '../../pipeline/MessageContext.js';
import { FixedDelayTimers } from '../../timing/FixedDelayTimers.js';
import type { Transport } from '../../transport/Transport.js';

/**
 * Extends the lease (SQS visibility) of messages whose handlers are still running, every
 * `leaseSeconds × leaseExtendFraction`. One timer for all of them, not one per message.
 */
export class LeaseKeeper {
  // Made on first use: a transport learns its lease at start (SQS reads the queue's visibility
  // timeout), after the runner was built.
  #timers: FixedDelayTimers<MessageContext> | null | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly extendFraction: number,
  ) {}

  keep(context: MessageContext): void {
    this.#timersOrNull()?.schedule(context);
  }

  drop(context: MessageContext): void {
    this.#timers?.cancel(context);
  }

  close(): void {
    this.#timers?.clear();
  }

  #timersOrNull(): FixedDelayTimers<MessageContext> | null {
    if (this.#timers !== undefined) return this.#timers;
    const lease = this.transport.leaseSeconds;
    this.#timers =
      lease === undefined || lease <= 0
        ? null
        : new FixedDelayTimers(lease * 1000 * this.extendFraction, (context) => this.#extend(context, lease));
    return this.#timers;
  }

  #extend(context: MessageContext, lease: number): void {
    this.#timers?.schedule(context);
    this.transport.extend(context.transportMessage, lease).catch((error: unknown) => {
      context.logger.warn({ err: error }, 'could not extend the lease; the message may be delivered twice');
    });
  }
}
