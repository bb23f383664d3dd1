import type { Outcome } from '@switchyard/core';
import type { SeverityLevel } from '@sentry/node';

/**
 * Which outcomes become Sentry events. `failed` and `dead-lettered` always; `retried` (a handler's
 * `Nack`) only with `reportRetries`, since a retry that later succeeds is not an error — and never
 * a message released at shutdown, which is not the message's fault.
 */
export function shouldReport(outcome: Outcome, reportRetries: boolean, releasedAtShutdown: boolean): boolean {
  switch (outcome.kind) {
    case 'failed':
    case 'dead-lettered':
      return true;
    case 'retried':
      return reportRetries && !releasedAtShutdown;
    case 'succeeded':
    case 'skipped':
    case 'ignored':
    case 'expired':
      return false;
  }
}

export function severityOf(outcome: Outcome): SeverityLevel {
  return outcome.kind === 'retried' ? 'warning' : 'error';
}
