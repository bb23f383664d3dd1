import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { injectable, type MessageContext, type Middleware, type Outcome } from '@switchyard/core';
import { attributeGetter } from './attributeCarrier.js';

const tracer = trace.getTracer('switchyard');

/**
 * One consumer span per message, child of the producer's span when the message carries a
 * `traceparent` attribute. With no OpenTelemetry SDK registered every call is a no-op.
 */
@injectable()
export class TracingMiddleware implements Middleware {
  readonly name = 'tracing';

  async handle(message: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    const { transportMessage } = message;
    const parent = propagation.extract(ROOT_CONTEXT, transportMessage.attributes, attributeGetter);
    const span = tracer.startSpan(
      `process ${transportMessage.source}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': message.transportName,
          'messaging.operation.type': 'process',
          'messaging.destination.name': transportMessage.source,
          'messaging.message.id': transportMessage.id,
        },
      },
      parent,
    );
    try {
      const outcome = await context.with(trace.setSpan(parent, span), next);
      span.setAttributes({
        'switchyard.outcome': outcome.kind,
        'switchyard.media_type': message.mediaType ?? 'unknown',
      });
      if (outcome.kind === 'failed' || outcome.kind === 'dead-lettered') {
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason });
      }
      return outcome;
    } finally {
      span.end();
    }
  }
}
