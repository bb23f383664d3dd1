import 'reflect-metadata';
import { afterEach, expect, it } from 'vitest';
import type { SelfManagedKafkaEvent } from 'aws-lambda';
import { toKafkaHandler, type LambdaHandler, type LambdaHandlerOptions } from '../src/index.js';
import { kafkaRecord, lambdaContext, mskEvent } from './support/events.js';
import { order, ORDER, LambdaOrderDaemon, partsOf } from './support/orderDaemon.js';

const handlers: Array<LambdaHandler<never, unknown>> = [];
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.stop()));
});

function kafkaHandler(options: LambdaHandlerOptions = {}) {
  const handler = toKafkaHandler(LambdaOrderDaemon, {
    env: {},
    ...options,
    argv: ['--set', 'daemon.logLevel=silent', ...(options.argv ?? [])],
  });
  handlers.push(handler);
  return handler;
}

const record = (partition: number, offset: number, value: string | null = order(`${partition}/${offset}`)) =>
  kafkaRecord({ partition, offset, value, headers: { media_type: ORDER }, key: `customer-${partition}` });

it('decodes base64 values and byte-array headers, and succeeds', async () => {
  const handler = kafkaHandler();
  const { behaviour } = await partsOf(handler);

  const response = await handler(mskEvent(record(0, 10), record(1, 4)), lambdaContext());

  expect(response).toEqual({ batchItemFailures: [] });
  expect(
    behaviour.seen.map(({ order, context }) => [order.id, context.messageId, context.key, context.mediaType]),
  ).toEqual([
    ['0/10', 'orders/0/10', 'customer-0', ORDER],
    ['1/4', 'orders/1/4', 'customer-1', ORDER],
  ]);
});

it('skips a tombstone (no value) as done', async () => {
  const handler = kafkaHandler();
  const { outcomeLog } = await partsOf(handler);
  const response = await handler(mskEvent(record(0, 3, null)), lambdaContext());
  expect(response.batchItemFailures).toEqual([]);
  expect(outcomeLog.outcomes[0]?.outcome.kind).toBe('skipped');
});

it('by default throws when a record fails, so Lambda retries the batch', async () => {
  const handler = kafkaHandler();
  const { behaviour } = await partsOf(handler);
  behaviour.run = (order) => {
    if (order.id === '0/11') throw new Error('pricing service timed out');
  };

  await expect(handler(mskEvent(record(0, 10), record(0, 11)), lambdaContext())).rejects.toThrow(
    '1 of 2 records failed (orders/0/11: pricing service timed out); throwing so Lambda retries the event',
  );
});

it('with partialBatchResponse, reports the failed record and its partition successors by topic-partition and offset', async () => {
  const handler = kafkaHandler({ partialBatchResponse: true, argv: ['--set', 'consumer.concurrency=1'] });
  const { behaviour } = await partsOf(handler);
  behaviour.run = (order) => {
    if (order.id === '0/11') throw new Error('pricing service timed out');
  };

  const response = await handler(
    mskEvent(record(0, 10), record(0, 11), record(0, 12), record(1, 7)),
    lambdaContext(),
  );

  expect(response.batchItemFailures).toEqual([
    { itemIdentifier: { partition: 'orders-0', offset: 11 } },
    { itemIdentifier: { partition: 'orders-0', offset: 12 } },
  ]);
  // Offset 12 never ran: Lambda resumes partition 0 from offset 11, so it would run out of order.
  expect(behaviour.seen.map(({ order }) => order.id)).toEqual(['0/10', '0/11', '1/7']);
});

it('handles a self-managed Kafka event the same way, and dead-letters a record without a media type', async () => {
  const handler = kafkaHandler({ partialBatchResponse: true, deadLetterDestination: 'dead-letters' });
  const { deadLetters } = await partsOf(handler);
  const event: SelfManagedKafkaEvent = {
    eventSource: 'SelfManagedKafka',
    bootstrapServers: 'b-1.kafka.internal:9092',
    records: {
      'orders-0': [kafkaRecord({ offset: 1, value: order('untyped') }), record(0, 2)],
    },
  };

  const response = await handler(event, lambdaContext());

  expect(response.batchItemFailures).toEqual([]);
  expect(deadLetters()).toEqual([
    {
      body: order('untyped'),
      attributes: expect.objectContaining({
        'x-dead-letter-reason':
          'invalid message: no media type: neither a media_type attribute nor a mediaType field',
        'x-original-source': 'orders',
        media_type: 'application/octet-stream',
      }),
    },
  ]);
});
