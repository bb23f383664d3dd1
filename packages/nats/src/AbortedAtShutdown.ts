import {
  actionFor,
  type MessageContext,
  type Middleware,
  type Outcome,
  type TransportMessage,
} from '@switchyard/core';

/**
 * Tells the transport which nacks are handlers aborted by the daemon's shutdown, so it records
 * them as releases, not runs: core turns such an abort into a nack with no delay ("released at
 * shutdown", no attempt spent), which the transport could not tell from a handler's own Nack(0).
 * The shutdown signal (`MessageContext.signal`, aborted when shutdown's deadline passes) is what
 * tells them apart; a handler's own timeout is not it, and stays a failed run.
 */
export class AbortedAtShutdown implements Middleware {
  readonly name = 'nats-aborted-at-shutdown';
  readonly #aborted = new WeakSet<TransportMessage>();

  async handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    const outcome = await next();
    if (context.signal.aborted && actionFor(outcome) === 'nack') this.#aborted.add(context.transportMessage);
    return outcome;
  }

  /** Whether the message's handler was aborted by the shutdown (its nack is then a release). */
  has(message: TransportMessage): boolean {
    return this.#aborted.has(message);
  }
}
