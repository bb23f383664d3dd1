import { ErrorCodes } from '../../errors/codes.js';
import { SwitchyardError } from '../../errors/SwitchyardError.js';
import { fullJitterDelaySeconds, type BackoffPolicy } from '../../outcomes/backoff.js';
import type { Outcome } from '../../outcomes/Outcome.js';
import { Nack, RejectMessage, SkipMessage } from '../../outcomes/signals.js';
import type { MessageContext } from '../MessageContext.js';
import type { Middleware } from '../Middleware.js';

const INVALID_MESSAGE_CODES: ReadonlySet<string> = new Set([
  ErrorCodes.MESSAGE_INVALID,
  ErrorCodes.MESSAGE_TOO_LARGE,
  ErrorCodes.MEDIA_TYPE_UNKNOWN,
]);

/**
 * Turns whatever the inner steps threw into an outcome. Invalid messages are dead-lettered at once
 * (retrying cannot fix them); other failures are retried with backoff until `maxAttempts`.
 */
export class ClassifyErrorsStage implements Middleware {
  readonly name = 'classify-errors';

  constructor(
    private readonly maxAttempts: number,
    private readonly backoff: BackoffPolicy,
  ) {}

  async handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    try {
      return await next();
    } catch (error) {
      return this.outcomeFor(context, error);
    }
  }

  /** The outcome of a message whose steps threw `error`. */
  outcomeFor(context: MessageContext, error: unknown): Outcome {
    // Shutdown's deadline aborted the handler: not the message's fault, so no attempt is spent.
    if (context.signal.aborted)
      return { kind: 'retried', reason: 'released at shutdown', delaySeconds: 0, error };
    return this.classify(context.attempt, error);
  }

  classify(attempt: number, error: unknown): Outcome {
    const reason = describeError(error);
    if (error instanceof SkipMessage) return { kind: 'skipped', reason, error };
    if (error instanceof RejectMessage)
      return { kind: 'dead-lettered', reason: `rejected: ${reason}`, error };
    if (SwitchyardError.is(error) && INVALID_MESSAGE_CODES.has(error.code)) {
      return { kind: 'dead-lettered', reason: `invalid message: ${reason}`, error };
    }
    if (attempt >= this.maxAttempts) {
      return { kind: 'dead-lettered', reason: `gave up after ${attempt} attempts: ${reason}`, error };
    }
    if (error instanceof Nack) return { kind: 'retried', reason, delaySeconds: error.delaySeconds, error };
    return { kind: 'failed', reason, delaySeconds: fullJitterDelaySeconds(attempt, this.backoff), error };
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : error.message;
  return String(error);
}
