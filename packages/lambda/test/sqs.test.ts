import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContainerModule,
  RejectMessage,
  TOKENS,
  type HandlerContext,
  type TransportProducer,
} from '@switchyard/core';
import type { SQSEvent } from 'aws-lambda';
import { SqsProducer, sqsTransportFactory } from '@switchyard/sqs';
import {
  LambdaTransport,
  toLambdaHandler,
  type LambdaHandler,
  type LambdaHandlerOptions,
} from '../src/index.js';
import { lambdaContext, sqsEvent, sqsRecord } from './support/events.js';
import {
  captureLogs,
  LambdaOrderDaemon,
  order,
  ORDER,
  type OrderBehaviour,
  OutcomeLog,
  partsOf,
} from './support/orderDaemon.js';

const handlers: Array<LambdaHandler<never, unknown>> = [];
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.stop()));
});

const QUIET = ['--set', 'daemon.logLevel=silent'];

/** A producer whose server is down, as a dead-letter queue's endpoint can be. */
class UnreachableProducer implements TransportProducer {
  async send(): Promise<string> {
    throw new Error('connect ECONNREFUSED 127.0.0.1:9324');
  }
  async close(): Promise<void> {}
}

function sqsHandler(options: LambdaHandlerOptions = {}) {
  const handler = toLambdaHandler(LambdaOrderDaemon, {
    env: {},
    ...options,
    argv: [...QUIET, ...(options.argv ?? [])],
  });
  handlers.push(handler);
  return handler;
}

const valid = (messageId: string, extra: Partial<Parameters<typeof sqsRecord>[0]> = {}) =>
  sqsRecord({ messageId, body: order(messageId), attributes: { media_type: ORDER }, ...extra });

const failedIds = (response: { batchItemFailures: Array<{ itemIdentifier: string }> }) =>
  response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier);

describe('an SQS-triggered handler', () => {
  it('runs every record through the daemon and reports no failure when all succeed', async () => {
    const handler = sqsHandler();
    const response = await handler(
      sqsEvent(valid('m-1', { receiveCount: 2 }), valid('m-2')),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    const { behaviour, outcomeLog } = await partsOf(handler);
    expect(behaviour.seen.map(({ order, context }) => [order.id, context.attempt, context.source])).toEqual([
      ['m-1', 2, 'orders'],
      ['m-2', 1, 'orders'],
    ]);
    expect(outcomeLog.outcomes.map(({ outcome }) => outcome.kind)).toEqual(['succeeded', 'succeeded']);
  });

  it('reports a record whose handler throws, and only that one', async () => {
    const handler = sqsHandler();
    const { behaviour, outcomeLog } = await partsOf(handler);
    behaviour.run = (order) => {
      if (order.id === 'm-2') throw new Error('the warehouse API answered 503');
    };

    const response = await handler(sqsEvent(valid('m-1'), valid('m-2'), valid('m-3')), lambdaContext());

    expect(failedIds(response)).toEqual(['m-2']);
    expect(outcomeLog.outcomes.find(({ messageId }) => messageId === 'm-2')?.outcome).toMatchObject({
      kind: 'failed',
      reason: 'the warehouse API answered 503',
    });
  });

  it('reports a mixed batch with exactly its failed, invalid and unreadable records, in event order', async () => {
    const handler = sqsHandler();
    const { behaviour } = await partsOf(handler);
    behaviour.run = (order) => {
      if (order.id === 'fails') throw new Error('boom');
    };

    const response = await handler(
      sqsEvent(
        valid('ok-1'),
        valid('fails'),
        sqsRecord({ messageId: 'invalid', body: order('invalid', 0), attributes: { media_type: ORDER } }),
        valid('ok-2'),
        sqsRecord({ messageId: 'not-json', body: 'order #7, qty 2', attributes: { media_type: ORDER } }),
      ),
      lambdaContext(),
    );

    expect(failedIds(response)).toEqual(['fails', 'invalid', 'not-json']);
    expect(behaviour.seen.map(({ order }) => order.id).sort()).toEqual(['fails', 'ok-1', 'ok-2']);
  });

  it('builds the graph once per container: two invocations, one set of collaborators', async () => {
    const before = OutcomeLog.constructed;
    const handler = sqsHandler();

    await handler(sqsEvent(valid('first')), lambdaContext());
    await handler(sqsEvent(valid('second')), lambdaContext());

    expect(OutcomeLog.constructed - before).toBe(1);
    const { behaviour } = await partsOf(handler);
    expect(behaviour.seen.map(({ order }) => order.id)).toEqual(['first', 'second']);
  });

  it('awaits afterInvocation once per invocation, with the daemon, before returning', async () => {
    const flushed: string[] = [];
    const handler = sqsHandler({ afterInvocation: (daemon) => flushed.push(daemon.name) });
    await handler(sqsEvent(valid('m-1')), lambdaContext());
    await handler(sqsEvent(valid('m-2')), lambdaContext());
    expect(flushed).toEqual(['order-daemon', 'order-daemon']);
  });

  it('refuses an event of another source with one line naming the handler that fits', async () => {
    const handler = sqsHandler();
    await expect(
      handler({ Records: [{ EventSource: 'aws:sns' }] } as unknown as SQSEvent, lambdaContext()),
    ).rejects.toThrow(
      'toLambdaHandler takes an SQS event, but record 0 has event source "aws:sns"; use toSnsHandler for it',
    );
    await expect(
      handler({ eventSource: 'aws:kafka', records: {} } as unknown as SQSEvent, lambdaContext()),
    ).rejects.toThrow(
      'toLambdaHandler takes an SQS event, but the event has event source "aws:kafka"; use toKafkaHandler for it',
    );
  });

  it('a daemon that cannot start fails the invocation with its reason, and the next one tries again', async () => {
    let starts = 0;
    class MisconfiguredDaemon extends LambdaOrderDaemon {
      constructor() {
        super();
        starts += 1;
      }
    }
    const handler = toLambdaHandler(MisconfiguredDaemon, {
      env: {},
      argv: ['--set', 'consumer.concurrency=0'],
    });
    handlers.push(handler);
    const failure = handler(sqsEvent(valid('m-1')), lambdaContext());
    await expect(failure).rejects.toThrow(
      'order-daemon: cannot start: invalid config: consumer.concurrency = 0: concurrency must not be less than 1',
    );
    await expect(handler(sqsEvent(valid('m-1')), lambdaContext())).rejects.toThrow('consumer.concurrency');
    expect(starts).toBe(2);
  });

  it('with the SQS transport selected to publish, replaces only its consuming side', async () => {
    class PublishingDaemon extends LambdaOrderDaemon {
      override readonly transports = [sqsTransportFactory];
    }
    const handler = toLambdaHandler(PublishingDaemon, {
      env: {},
      argv: [
        ...QUIET,
        ...['--set', 'daemon.transport=sqs', '--set', 'sqs.region=us-east-1'],
        ...['--set', 'sqs.producerQueueUrl=http://127.0.0.1:9/000000000000/receipts'],
      ],
    });
    handlers.push(handler);

    expect(await handler(sqsEvent(valid('m-1')), lambdaContext())).toEqual({ batchItemFailures: [] });
    const { container } = await handler.daemon();
    expect(container.get(TOKENS.TransportProducer)).toBeInstanceOf(SqsProducer);
    expect(container.get(TOKENS.Transport)).toBeInstanceOf(LambdaTransport);
  });

  it('with partialBatchResponse false, throws naming the failed records so the whole batch returns', async () => {
    const handler = sqsHandler({ partialBatchResponse: false });
    const { behaviour } = await partsOf(handler);
    behaviour.run = () => {
      throw new Error('database is read-only');
    };

    await expect(handler(sqsEvent(valid('m-1'), valid('m-2')), lambdaContext())).rejects.toThrow(
      '2 of 2 records failed (m-1: database is read-only; m-2: database is read-only); throwing so Lambda retries the event',
    );
  });

  it('fails the later records of a FIFO group after one of them fails, so the group keeps its order', async () => {
    const handler = sqsHandler({ argv: ['--set', 'consumer.concurrency=1'] });
    const { behaviour } = await partsOf(handler);
    behaviour.run = (order) => {
      if (order.id === 'a-1') throw new Error('out of stock');
    };

    const response = await handler(
      sqsEvent(
        valid('a-1', { groupId: 'customer-a' }),
        valid('a-2', { groupId: 'customer-a' }),
        valid('b-1', { groupId: 'customer-b' }),
        valid('a-3', { groupId: 'customer-a' }),
      ),
      lambdaContext(),
    );

    expect(failedIds(response)).toEqual(['a-1', 'a-2', 'a-3']);
    expect(behaviour.seen.map(({ order }) => order.id)).toEqual(['a-1', 'b-1']);
  });
});

describe('dead-letter outcomes of an SQS-triggered handler', () => {
  const poisonBatch = () =>
    sqsEvent(
      sqsRecord({ messageId: 'invalid', body: order('invalid', 0), attributes: { media_type: ORDER } }),
      sqsRecord({ messageId: 'rejected', body: order('rejected'), attributes: { media_type: ORDER } }),
      sqsRecord({
        messageId: 'exhausted',
        body: order('exhausted'),
        attributes: { media_type: ORDER },
        receiveCount: 5,
      }),
      sqsRecord({ messageId: 'not-json', body: '<order id="7"/>', attributes: { media_type: ORDER } }),
      sqsRecord({ messageId: 'no-media-type', body: order('no-media-type') }),
      sqsRecord({
        messageId: 'bad-md5',
        body: order('bad-md5'),
        attributes: { media_type: ORDER },
        md5OfBody: '0'.repeat(32),
      }),
      valid('fine'),
    );
  const poisonous = (behaviour: OrderBehaviour) => {
    behaviour.run = (order: { id: string }, _context: HandlerContext) => {
      if (order.id === 'rejected') throw new RejectMessage('order for a closed account');
      if (order.id === 'exhausted') throw new Error('still failing');
    };
  };

  it('without a dead-letter destination, reports them as failed so the queue redrive policy moves them', async () => {
    const logs = captureLogs();
    const handler = sqsHandler({ logger: logs.logger });
    const { behaviour, outcomeLog } = await partsOf(handler);
    poisonous(behaviour);

    const response = await handler(poisonBatch(), lambdaContext());

    expect(failedIds(response)).toEqual([
      'invalid',
      'rejected',
      'exhausted',
      'not-json',
      'no-media-type',
      'bad-md5',
    ]);
    // Core decided dead-letter; the transport had nowhere to put it, and said why.
    expect(outcomeLog.outcomes.filter(({ outcome }) => outcome.kind === 'dead-lettered')).toHaveLength(6);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({
        msg: 'not dead-lettered: the transport kept the message',
        why: expect.stringContaining(
          "the event source's own failure handling takes it (an SQS redrive policy",
        ),
      }),
    );
  });

  it('with a dead-letter destination, publishes each with its reason and reports it done', async () => {
    const handler = sqsHandler({ deadLetterDestination: 'dead-letters' });
    const { behaviour, deadLetters } = await partsOf(handler);
    poisonous(behaviour);

    const response = await handler(poisonBatch(), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    const reasons = Object.fromEntries(
      deadLetters().map(({ body, attributes }) => [
        attributes['x-dead-letter-reason'] ?? '',
        { body, source: attributes['x-original-source'], mediaType: attributes.media_type },
      ]),
    );
    expect(Object.keys(reasons).sort()).toEqual(
      [
        'gave up after 5 attempts: still failing',
        'invalid message: body is not JSON (at position 0)',
        'invalid message: body does not match its MD5 (00000000000000000000000000000000)',
        'invalid message: no media type: neither a media_type attribute nor a mediaType field',
        'invalid message: decode: Order is invalid: quantity: quantity must not be less than 1',
        'rejected: order for a closed account',
      ].sort(),
    );
    expect(reasons['rejected: order for a closed account']).toEqual({
      body: order('rejected'),
      source: 'orders',
      mediaType: ORDER,
    });
  });

  it('reports a dead letter whose copy cannot be published as failed, so it is not lost', async () => {
    const unreachable = new ContainerModule(({ rebind }) => {
      rebind(TOKENS.TransportProducer).toConstantValue(new UnreachableProducer());
    });
    const handler = sqsHandler({ deadLetterDestination: 'dead-letters', modules: [unreachable] });
    const response = await handler(
      sqsEvent(
        sqsRecord({ messageId: 'invalid', body: order('invalid', 0), attributes: { media_type: ORDER } }),
      ),
      lambdaContext(),
    );
    expect(failedIds(response)).toEqual(['invalid']);
  });
});
