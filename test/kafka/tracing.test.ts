import type { RunningDaemon } from '@switchyard/core';
import { tracingPlugin } from '@switchyard/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryTracing } from '../../packages/observability/test/support/inMemoryTracing.js';
import { brokerCases, createTopic, EVENT_MEDIA_TYPE, kafkaBrokers, startDaemon, waitFor } from './support.js';

const tracing = new InMemoryTracing();
beforeAll(() => tracing.install());
afterAll(() => tracing.uninstall());

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
        const producerSpan = await tracing.inSpan('publish event', () =>
          daemon.producer.produce(EVENT_MEDIA_TYPE, { key: 'k', seq: 0 }, { key: 'k' }),
        );
        await waitFor(() => handled === 1, 30_000, 'the event to be handled');
        const consumerSpan = await tracing.span(`process ${topic}`);
        expect(consumerSpan.spanContext().traceId).toBe(producerSpan.spanContext().traceId);
        expect(consumerSpan.parentSpanContext?.spanId).toBe(producerSpan.spanContext().spanId);
        expect(consumerSpan.attributes['messaging.system']).toBe('kafka');
      } finally {
        await daemon.stop();
      }
    });
  },
);
