import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { RunningDaemon } from '@switchyard/core';
import { tracingPlugin } from '@switchyard/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerCases, createTopic, EVENT_MEDIA_TYPE, kafkaBrokers, startDaemon, waitFor } from './support.js';

const exporter = new InMemorySpanExporter();

beforeAll(() => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: trace context',
  ({ brokers }) => {
    it('a Kafka header carries traceparent from the producer span to the consumer span', async () => {
      const topic = await createTopic(brokers, 1);
      let handled = 0;
      const daemon: RunningDaemon = await startDaemon(
        () => {
          handled += 1;
        },
        { brokers, topic, plugins: [tracingPlugin] },
      );
      try {
        const producerSpan = trace.getTracer('test').startSpan('publish event');
        await context.with(trace.setSpan(context.active(), producerSpan), () =>
          daemon.producer.produce(EVENT_MEDIA_TYPE, { key: 'k', seq: 0 }, { key: 'k' }),
        );
        producerSpan.end();
        await waitFor(() => handled === 1, 30_000, 'the event to be handled');
        await waitFor(
          () => exporter.getFinishedSpans().some((span) => span.name === `process ${topic}`),
          5_000,
          'the span',
        );
        const consumerSpan = exporter.getFinishedSpans().find((span) => span.name === `process ${topic}`);
        expect(consumerSpan?.spanContext().traceId).toBe(producerSpan.spanContext().traceId);
        expect(consumerSpan?.parentSpanContext?.spanId).toBe(producerSpan.spanContext().spanId);
        expect(consumerSpan?.attributes['messaging.system']).toBe('kafka');
      } finally {
        await daemon.stop();
      }
    });
  },
);
