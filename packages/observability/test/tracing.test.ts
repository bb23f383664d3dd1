import 'reflect-metadata';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon } from '@switchyard/core/testing';
import { tracingPlugin } from '../src/index.js';
import { Order, OrderBehaviour, OrderDaemon, Receipt } from '../../core/test/support/fixtures.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let daemon: TestDaemon;

class TracedDaemon extends OrderDaemon {
  override readonly plugins = [tracingPlugin];
}

beforeAll(async () => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  daemon = await TestDaemon.start(new TracedDaemon());
});

afterAll(async () => {
  await daemon.stop();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('trace context across a produce → consume hop (OpenTelemetry SDK, in-memory exporter)', () => {
  it('makes the consumer span a child of the producer span, and the next hop a child of the consumer', async () => {
    daemon.running.container.get(OrderBehaviour).run = async (order, handler) => {
      await handler.producer.produce(Receipt, { orderId: order.id });
    };
    const producerSpan = trace.getTracer('test').startSpan('publish order');
    const outcome = await context.with(trace.setSpan(context.active(), producerSpan), () =>
      daemon.publishAndWait(Order, { id: 't-1', quantity: 1 }),
    );
    producerSpan.end();
    expect(outcome.kind).toBe('succeeded');

    const consumerSpan = exporter.getFinishedSpans().find((span) => span.name === 'process order-daemon');
    expect(consumerSpan).toBeDefined();
    expect(consumerSpan?.spanContext().traceId).toBe(producerSpan.spanContext().traceId);
    expect(consumerSpan?.parentSpanContext?.spanId).toBe(producerSpan.spanContext().spanId);
    expect(consumerSpan?.attributes).toMatchObject({
      'switchyard.outcome': 'succeeded',
      'messaging.system': 'memory',
    });

    const receipt = daemon.recorder.sent.find(
      (message) => message.mediaType === 'application/vnd.test.receipt',
    );
    const [, traceId, parentSpanId] = receipt?.attributes.traceparent?.split('-') ?? [];
    expect(traceId).toBe(producerSpan.spanContext().traceId);
    expect(parentSpanId).toBe(consumerSpan?.spanContext().spanId);
  });

  it('starts a new trace for a message without traceparent', async () => {
    exporter.reset();
    daemon.running.container.get(OrderBehaviour).run = () => undefined;
    await daemon.sendRawAndWait(
      JSON.stringify({ mediaType: 'application/vnd.test.order', id: 'n', quantity: 1 }),
    );
    const [span] = exporter.getFinishedSpans();
    expect(span?.parentSpanContext).toBeUndefined();
  });
});
