import { inject, injectable, type MessageContext, type Middleware, type Outcome } from '@switchyard/core';
import { DaemonMetrics } from './DaemonMetrics.js';

/** Counts outcomes and times handling, per media type. */
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
    // Only media types with a handler become label values: garbage input must not explode the
    // number of time series.
    const mediaType = context.handler === undefined ? 'unknown' : (context.mediaType ?? 'unknown');
    this.metrics.messages.inc({ outcome: outcome.kind, media_type: mediaType });
    if (outcome.kind === 'dead-lettered') this.metrics.deadLetters.inc({ media_type: mediaType });
    const seconds = (performance.now() - context.startedAt) / 1000;
    this.metrics.handlingSeconds.observe({ media_type: mediaType, outcome: outcome.kind }, seconds);
    return outcome;
  }
}
