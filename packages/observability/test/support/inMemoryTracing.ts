import { context, propagation, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/**
 * What an application does to trace with OpenTelemetry (a tracer provider, a context manager, the
 * W3C propagator), with finished spans kept in memory for the test to read.
 */
export class InMemoryTracing {
  readonly exporter = new InMemorySpanExporter();

  install(): void {
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.exporter)] }),
    );
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  }

  uninstall(): void {
    trace.disable();
    context.disable();
    propagation.disable();
  }

  /** Runs `work` inside a new span (the producer's side of a hop); returns the ended span. */
  async inSpan(name: string, work: () => Promise<unknown>): Promise<Span> {
    const span = trace.getTracer('test').startSpan(name);
    await context.with(trace.setSpan(context.active(), span), work);
    span.end();
    return span;
  }

  /** The finished span of that name, once there is one (spans end after the outcome is counted). */
  async span(name: string, timeoutMs = 5000): Promise<ReadableSpan> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const found = this.exporter.getFinishedSpans().find((span) => span.name === name);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no finished span "${name}" within ${timeoutMs} ms`);
  }
}

/** `traceparent` = version-traceId-parentSpanId-flags. */
export function traceparentIds(traceparent: string | undefined): { traceId?: string; spanId?: string } {
  const [, traceId, spanId] = traceparent?.split('-') ?? [];
  return { traceId, spanId };
}
