import type { MessageContext, Middleware, Outcome } from '@switchyard/core';
import { invocationOf, type LambdaMessage } from './LambdaMessage.js';

/**
 * Bound last, so it runs innermost of the user's middleware (Sentry, logging and the rest see the
 * outcome it leads to): registers each record's pipeline with its invocation, so the invocation
 * can abort the handler before the Lambda deadline, and notes the media type core decoded (for the
 * record's dead-letter copy) and the outcome's reason (for the invocation's error).
 */
export class InvocationMiddleware implements Middleware {
  readonly name = 'lambda-invocation';

  async handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    const invocation = invocationOf(context.transportMessage);
    if (invocation === undefined) return next();
    const unwatch = invocation.watch(context);
    try {
      const outcome = await next();
      invocation.notePipeline(context.transportMessage as LambdaMessage, {
        mediaType: context.mediaType,
        reason: outcome.reason,
      });
      return outcome;
    } finally {
      unwatch();
    }
  }
}
