import type { Logger } from 'pino';
import { boundedText } from '../../messages/boundedText.js';
import { fullJitterDelaySeconds, type BackoffPolicy } from '../../outcomes/backoff.js';
import { actionFor, type Outcome } from '../../outcomes/Outcome.js';
import type { MessageContext } from '../../pipeline/MessageContext.js';
import { describeError } from '../../pipeline/stages/ClassifyErrorsStage.js';
import type { Transport, TransportMessage } from '../../transport/Transport.js';

// The reason handed to a dead-letter destination is cut to this; transports bound it again to
// what their headers and attributes allow.
const DEAD_LETTER_REASON_BYTES = 4096;

/**
 * A handler aborted by shutdown's deadline ("released at shutdown"), or one that ended in an
 * immediate retry once it had passed: not the message's fault, so it is handed back as never run
 * (`release`), spending no attempt, rather than nacked as a failed run.
 */
function releasedAtShutdown(outcome: Outcome, context: MessageContext): boolean {
  return context.signal.aborted && (outcome.delaySeconds ?? 0) === 0;
}

/**
 * Tells the transport what became of a message (ack, nack, dead-letter) and returns the outcome
 * as it really ended: a dead letter counts only once its copy is confirmed. When the copy cannot
 * be written the message is retried with backoff (never a stuck partition, never a loss); when the
 * transport has nowhere to put it, it counts as failed and stays where the transport left it.
 */
export class Acknowledger {
  constructor(
    private readonly transport: Transport,
    private readonly backoff: BackoffPolicy,
  ) {}

  async apply(message: TransportMessage, outcome: Outcome, context: MessageContext): Promise<Outcome> {
    const action = actionFor(outcome);
    try {
      if (action === 'ack') await this.transport.ack(message);
      else if (action === 'nack' && releasedAtShutdown(outcome, context))
        await this.release(message, context.logger);
      else if (action === 'nack') await this.transport.nack(message, outcome.delaySeconds ?? 0);
      else return await this.#deadLetter(message, outcome, context);
    } catch (error) {
      // The transport still holds the message and will deliver it again: a duplicate, never a loss.
      context.logger.error(
        { err: error, action },
        `could not ${action} the message; it will be delivered again`,
      );
    }
    return outcome;
  }

  /** Hands back a message that never started, spending no attempt. */
  async release(message: TransportMessage, logger: Logger): Promise<void> {
    try {
      await (this.transport.release?.(message) ?? this.transport.nack(message, 0));
    } catch (error) {
      logger.warn(
        { err: error, messageId: message.id },
        'could not release the message; it returns after its lease',
      );
    }
  }

  async #deadLetter(message: TransportMessage, outcome: Outcome, context: MessageContext): Promise<Outcome> {
    const reason = boundedText(outcome.reason ?? outcome.kind, DEAD_LETTER_REASON_BYTES);
    let result;
    try {
      result = await this.transport.deadLetter(message, { reason, attempts: message.attempt });
    } catch (error) {
      return this.#retryDeadLetter(message, outcome, context, error);
    }
    if (result === undefined) return outcome;
    if (result.kind === 'bounded') {
      context.logger.warn(
        { why: result.why },
        'the dead letter did not fit its destination; wrote a bounded record',
      );
      return { ...outcome, reason: `${outcome.reason ?? ''} (bounded dead letter: ${result.why})` };
    }
    context.logger.warn({ why: result.why }, 'not dead-lettered: the transport kept the message');
    return {
      kind: 'failed',
      reason: `${outcome.reason ?? ''}; not dead-lettered: ${result.why}`,
      error: outcome.error,
    };
  }

  async #retryDeadLetter(
    message: TransportMessage,
    outcome: Outcome,
    context: MessageContext,
    error: unknown,
  ): Promise<Outcome> {
    const delaySeconds = fullJitterDelaySeconds(message.attempt, this.backoff);
    const reason = `could not dead-letter (${describeError(error)}); retried in ${delaySeconds.toFixed(1)} s: ${outcome.reason ?? ''}`;
    context.logger.error({ err: error, delaySeconds }, 'could not dead-letter the message; retrying it');
    try {
      await this.transport.nack(message, delaySeconds);
    } catch (nackError) {
      context.logger.error(
        { err: nackError },
        'could not nack the message either; it will be delivered again',
      );
    }
    return { kind: 'failed', reason, delaySeconds, error };
  }
}
