import type { Outcome, OutcomeKind } from '../../outcomes/Outcome.js';
import type { MessageContext } from '../MessageContext.js';
import type { Middleware } from '../Middleware.js';

const LEVEL: Record<OutcomeKind, 'debug' | 'info' | 'warn' | 'error'> = {
  succeeded: 'debug',
  skipped: 'info',
  ignored: 'info',
  expired: 'info',
  retried: 'warn',
  failed: 'warn',
  'dead-lettered': 'error',
};

/** Outermost step: logs every outcome once, with its reason (the runner counts it once applied). */
export class LogOutcomeStage implements Middleware {
  readonly name = 'log-outcome';

  async handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    const outcome = await next();
    const durationMs = Math.round((performance.now() - context.startedAt) * 100) / 100;
    const level = LEVEL[outcome.kind];
    if (!context.baseLogger.isLevelEnabled(level)) return outcome;
    context.logger[level](
      {
        outcome: outcome.kind,
        reason: outcome.reason,
        delaySeconds: outcome.delaySeconds,
        attempt: context.attempt,
        durationMs,
      },
      `message ${outcome.kind}${outcome.reason === undefined ? '' : `: ${outcome.reason}`}`,
    );
    return outcome;
  }
}
