import 'reflect-metadata';
import {
  injectable,
  MemoryBroker,
  type MessageContext,
  type Middleware,
  type Outcome,
} from '@switchyard/core';
import { OrderBehaviour, OrderDaemon } from '../../../core/test/support/fixtures.js';
import type { LambdaHandler } from '../../src/index.js';

export { captureLogs } from '../../../core/test/support/captureLogs.js';
export { ORDER, OrderBehaviour } from '../../../core/test/support/fixtures.js';

/**
 * The daemon's own middleware: sees every outcome, as Sentry or a logging middleware would. Counts
 * its constructions, to show the graph is built once per container.
 */
@injectable()
export class OutcomeLog implements Middleware {
  static constructed = 0;
  readonly name = 'outcome-log';
  readonly outcomes: Array<{ messageId: string; outcome: Outcome }> = [];

  constructor() {
    OutcomeLog.constructed += 1;
  }

  async handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    const outcome = await next();
    this.outcomes.push({ messageId: context.transportMessage.id, outcome });
    return outcome;
  }
}

/** Core's order daemon (an `Order` handler steered by `OrderBehaviour`) with a middleware. */
export class LambdaOrderDaemon extends OrderDaemon {
  override readonly middleware = [OutcomeLog];
}

/** The handler's collaborators and the daemon's dead-letter queue on its embedded bus. */
export async function partsOf(handler: LambdaHandler<never, unknown>) {
  const { container } = await handler.daemon();
  return {
    behaviour: container.get(OrderBehaviour),
    outcomeLog: container.get(OutcomeLog),
    deadLetters: () =>
      container
        .get(MemoryBroker)
        .queue('dead-letters')
        .peekAll()
        .map(({ body, attributes }) => ({ body, attributes })),
  };
}

export const order = (id: string, quantity = 1): string => JSON.stringify({ id, quantity });
