import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon } from '@switchyard/core/testing';
import { tracingPlugin } from '../src/index.js';
import { Order, OrderBehaviour, OrderDaemon, Receipt } from '../../core/test/support/fixtures.js';
import { InMemoryTracing, traceparentIds } from './support/inMemoryTracing.js';

const tracing = new InMemoryTracing();
let daemon: TestDaemon;

class TracedDaemon extends OrderDaemon {
  override readonly plugins = [tracingPlugin];
}

beforeAll(async () => {
  tracing.install();
  daemon = await TestDaemon.start(new TracedDaemon());
});

afterAll(async () => {
  await daemon.stop();
  tracing.uninstall();
});

describe('trace context across a produce → consume hop (OpenTelemetry SDK, in-memory exporter)', () => {
  it('makes the consumer span a child of the producer span, and the next hop a child of the consumer', async () => {
    daemon.running.container.get(OrderBehaviour).run = async (order, handler) => {
      await handler.producer.produce(Receipt, { orderId: order.id });
    };
    let outcome;
    const producerSpan = await tracing.inSpan('publish order', async () => {
      outcome = await daemon.publishAndWait(Order, { id: 't-1', quantity: 1 });
    });
    expect(outcome).toMatchObject({ kind: 'succeeded' });

    const consumerSpan = await tracing.span('process order-daemon');
    expect(consumerSpan.spanContext().traceId).toBe(producerSpan.spanContext().traceId);
    expect(consumerSpan.parentSpanContext?.spanId).toBe(producerSpan.spanContext().spanId);
    expect(consumerSpan.attributes).toMatchObject({
      'switchyard.outcome': 'succeeded',
      'messaging.system': 'memory',
    });

    const receipt = daemon.recorder.sent.find(
      (message) => message.mediaType === 'application/vnd.test.receipt',
    );
    expect(traceparentIds(receipt?.attributes.traceparent)).toEqual({
      traceId: producerSpan.spanContext().traceId,
      spanId: consumerSpan.spanContext().spanId,
    });
  });

  it('starts a new trace for a message without traceparent', async () => {
    tracing.exporter.reset();
    daemon.running.container.get(OrderBehaviour).run = () => undefined;
    await daemon.sendRawAndWait(
      JSON.stringify({ mediaType: 'application/vnd.test.order', id: 'n', quantity: 1 }),
    );
    const [span] = tracing.exporter.getFinishedSpans();
    expect(span?.parentSpanContext).toBeUndefined();
  });
});
