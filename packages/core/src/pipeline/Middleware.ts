import type { Outcome } from '../outcomes/Outcome.js';
import type { MessageContext } from './MessageContext.js';

/**
 * One step around message handling. Call `next()` to go on (it resolves with the outcome of the
 * inner steps), or return an outcome of your own to stop here. Bind middleware in the graph under
 * `TOKENS.Middleware` or list it in the daemon's `middleware`.
 */
export interface Middleware {
  readonly name: string;
  handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome>;
}
