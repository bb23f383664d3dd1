import * as Sentry from '@sentry/node';
import { injectable, type MessageContext, type Middleware, type Outcome } from '@switchyard/core';
import { messageTags, messageUser, outcomeContext, TAG } from './messageTags.js';
import { severityOf, shouldReport } from './reportPolicy.js';
import { SentryConfig } from './SentryConfig.js';
import { SentryState } from './SentryState.js';

/**
 * Runs each message in its own isolation scope, so tags, user, breadcrumbs and extra set while it
 * is handled stay with its events and never reach another message's. Reports the outcomes
 * `shouldReport` selects, with the outcome's error.
 */
@injectable()
export class SentryMiddleware implements Middleware {
  readonly name = 'sentry';

  constructor(
    private readonly config: SentryConfig,
    private readonly state: SentryState,
  ) {}

  handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    if (!this.state.reporting) return next();
    return Sentry.withIsolationScope(async (scope) => {
      // The fork copied whatever the daemon's own context had collected; this message starts clean.
      scope.clearBreadcrumbs();
      // Read at capture time: an event the handler captures itself gets the decoded tags too.
      scope.addEventProcessor((event) => {
        // Facts about the message win over a handler's tag of the same name.
        event.tags = { ...event.tags, ...messageTags(context, this.config) };
        const user = messageUser(context, this.config);
        if (user !== undefined) event.user = { ...event.user, ...user };
        return event;
      });
      const outcome = await next();
      if (shouldReport(outcome, this.config.reportRetries, context.signal.aborted)) report(outcome);
      return outcome;
    });
  }
}

function report(outcome: Outcome): void {
  const captureContext = {
    level: severityOf(outcome),
    tags: { [TAG.outcome]: outcome.kind },
    contexts: { outcome: outcomeContext(outcome) },
  };
  if (outcome.error === undefined) {
    // Dead-lettered without an exception (no handler, with consumer.unhandled=dead-letter).
    Sentry.captureMessage(`${outcome.kind}: ${outcome.reason ?? 'no reason given'}`, captureContext);
  } else {
    Sentry.captureException(outcome.error, captureContext);
  }
}
