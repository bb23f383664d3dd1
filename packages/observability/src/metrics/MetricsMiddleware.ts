import { inject, injectable, type MessageContext, type Middleware, type Outcome } from '@switchyard/core';
import { DaemonMetrics } from './DaemonMetrics.js';

/** Times handling and the age of messages, per media type. */
@injectable()
export class MetricsMiddleware implements Middleware {
  readonly name = 'metrics';

  constructor(@inject(DaemonMetrics) private readonly metrics: DaemonMetrics) {}

  async handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    const { sentAt, attempt } = context.transportMessage;
    // Age at first receipt: redeliveries would measure the retry delay, not the backlog.
    if (sentAt !== undefined && attempt === 1) {
      this.metrics.messageAgeSeconds.observe(Math.max(0, Date.now() - sentAt) / 1000);
    }
    const outcome = await next();
    // Outcomes are counted by DaemonMetrics once applied; here only the time it took.
    const mediaType = context.handler === undefined ? 'unknown' : (context.mediaType ?? 'unknown');
    const seconds = (performance.now() - context.startedAt) / 1000;
    this.metrics.observeHandling(mediaType, outcome.kind, seconds);
    return outcome;
  }
}
