import type { Outcome } from '../outcomes/Outcome.js';
import type { MessageContext } from './MessageContext.js';

/**
 * A built-in step before the handler (decode, check-ttl, dispatch): plain synchronous work that
 * returns an outcome to stop there, or nothing to go on. Throwing means the message is bad or the
 * step failed; the pipeline classifies it like a handler's error.
 */
export interface CoreStep {
  readonly name: string;
  apply(context: MessageContext): Outcome | undefined;
}
