import type { Outcome, OutcomeKind } from '../../outcomes/Outcome.js';
import { boundedText } from '../../messages/boundedText.js';
import type { MessageContext } from '../MessageContext.js';

// A reason in a log line is cut to this: attacker-sized text must not become megabyte log lines.
const LOGGED_REASON_BYTES = 2048;

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
export class LogOutcomeStage {
  readonly name = 'log-outcome';

  log(context: MessageContext, outcome: Outcome): void {
    const level = LEVEL[outcome.kind];
    if (!context.baseLogger.isLevelEnabled(level)) return;
    const durationMs = Math.round((performance.now() - context.startedAt) * 100) / 100;
    const reason =
      outcome.reason === undefined ? undefined : boundedText(outcome.reason, LOGGED_REASON_BYTES);
    context.logger[level](
      {
        outcome: outcome.kind,
        reason,
        delaySeconds: outcome.delaySeconds,
        attempt: context.attempt,
        durationMs,
      },
      `message ${outcome.kind}${reason === undefined ? '' : `: ${reason}`}`,
    );
  }
}
