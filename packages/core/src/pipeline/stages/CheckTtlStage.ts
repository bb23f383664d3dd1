import { ErrorCodes } from '../../errors/codes.js';
import { SwitchyardError } from '../../errors/SwitchyardError.js';
import type { Outcome } from '../../outcomes/Outcome.js';
import { TTL_KEY } from '../../producer/Producer.js';
import type { MessageContext } from '../MessageContext.js';
import type { CoreStep } from '../CoreStep.js';

/**
 * A message carries a hop count (`opaqueData["x-request-ttl"]`) that each publish-from-a-handler
 * decrements; at zero the message is `expired` and acked, which breaks publish loops.
 */
export class CheckTtlStage implements CoreStep {
  readonly name = 'check-ttl';

  apply(context: MessageContext): Outcome | undefined {
    const text = context.opaqueData[TTL_KEY];
    if (text === undefined) return undefined;
    const ttl = Number(text);
    if (!Number.isInteger(ttl)) {
      throw new SwitchyardError(
        ErrorCodes.MESSAGE_INVALID,
        `opaqueData["${TTL_KEY}"] is not an integer: "${text}"`,
      );
    }
    if (ttl <= 0) return { kind: 'expired', reason: `hop count ${TTL_KEY} reached ${ttl}` };
    return undefined;
  }
}
