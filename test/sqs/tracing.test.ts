import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { RunningDaemon } from '@switchyard/core';
import { tracingPlugin } from '@switchyard/observability';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  InMemoryTracing,
  traceparentIds,
} from '../../packages/observability/test/support/inMemoryTracing.js';
import { Order, OrderDaemon, Receipt, RECEIPT_MEDIA_TYPE, resetHandler } from './fixtures.js';
import {
  attribute,
  createQueue,
  elasticMq,
  fauxqs,
  finished,
  noElasticMq,
  queueArn,
  receiveAll,
  sqsClient,
  startDaemon,
} from './support.js';

class TracedOrderDaemon extends OrderDaemon {
  override readonly plugins = [tracingPlugin];
}

const tracing = new InMemoryTracing();
beforeAll(() => tracing.install());
afterAll(() => tracing.uninstall());

let running: RunningDaemon | undefined;
beforeEach(() => {
  tracing.exporter.reset();
  resetHandler();
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const anOrder = { id: 'traced', group: 'g', sequence: 0 };

/** Publishes an order inside a producer span; once the order is handled, returns that span's ids. */
async function publishTraced(daemon: RunningDaemon): Promise<{ traceId: string; spanId: string }> {
  const span = await tracing.inSpan('publish order', () => daemon.producer.produce(Order, anOrder));
  await finished(daemon, 1);
  return span.spanContext();
}

describe.skipIf(noElasticMq)('trace context over SQS message attributes (ElasticMQ)', () => {
  it('parents the consumer span on the producer span, and passes it on to what the handler publishes', async () => {
    const sqs = sqsClient(elasticMq);
    const [queueUrl, receiptsUrl] = [await createQueue(sqs, 'traced'), await createQueue(sqs, 'receipts')];
    resetHandler(async (order, context) => {
      await context.producer.produce(Receipt, { orderId: order.id });
    });
    running = await startDaemon(new TracedOrderDaemon(), elasticMq, queueUrl, [
      '--set',
      `sqs.queueUrls=${JSON.stringify({ [RECEIPT_MEDIA_TYPE]: receiptsUrl })}`,
    ]);
    const producer = await publishTraced(running);

    const consumer = await tracing.span(`process ${queueUrl}`);
    expect(consumer.spanContext().traceId).toBe(producer.traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanId);
    expect(consumer.attributes).toMatchObject({
      'messaging.system': 'sqs',
      'switchyard.outcome': 'succeeded',
    });
    // The next hop: the receipt's traceparent names the consumer span as its parent.
    const [receipt] = await receiveAll(sqs, receiptsUrl, 1);
    expect(traceparentIds(attribute(receipt!, 'traceparent'))).toEqual({
      traceId: producer.traceId,
      spanId: consumer.spanContext().spanId,
    });
  });
});

describe('trace context through an SNS topic to an SQS queue (fauxqs)', () => {
  const sqs = sqsClient(fauxqs);
  const sns = new SNSClient({ endpoint: fauxqs, region: 'us-east-1' });

  // Enveloped, SNS's message attributes travel inside the body's JSON; raw, as SQS attributes.
  for (const raw of [false, true]) {
    it(`parents the consumer span on the publisher's span (${raw ? 'raw' : 'enveloped'} delivery)`, async () => {
      const queueUrl = await createQueue(sqs, 'traced-sns');
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `traced-${process.pid}-${raw}` }));
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: await queueArn(sqs, queueUrl),
          Attributes: { RawMessageDelivery: String(raw) },
        }),
      );
      running = await startDaemon(new TracedOrderDaemon(), fauxqs, queueUrl, [
        '--set',
        `sqs.topicArn=${TopicArn}`,
      ]);
      const producer = await publishTraced(running);

      const consumer = await tracing.span(`process ${queueUrl}`);
      expect(consumer.spanContext().traceId).toBe(producer.traceId);
      expect(consumer.parentSpanContext?.spanId).toBe(producer.spanId);
    });
  }
});
