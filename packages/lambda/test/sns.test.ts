import 'reflect-metadata';
import { afterEach, expect, it } from 'vitest';
import { toSnsHandler, type LambdaHandler, type LambdaHandlerOptions } from '../src/index.js';
import { lambdaContext, snsEvent, snsRecord } from './support/events.js';
import { order, ORDER, LambdaOrderDaemon, partsOf } from './support/orderDaemon.js';

const handlers: Array<LambdaHandler<never, unknown>> = [];
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.stop()));
});

function snsHandler(options: LambdaHandlerOptions = {}) {
  const handler = toSnsHandler(LambdaOrderDaemon, {
    env: {},
    argv: ['--set', 'daemon.logLevel=silent'],
    ...options,
  });
  handlers.push(handler);
  return handler;
}

const notification = (messageId: string, message = order(messageId)) =>
  snsRecord({ messageId, message, attributes: { media_type: ORDER, 'x-request-id': `req-${messageId}` } });

it('decodes the notification (message and its attributes) and returns nothing when it succeeds', async () => {
  const handler = snsHandler();
  const { behaviour } = await partsOf(handler);

  await expect(handler(snsEvent(notification('n-1')), lambdaContext())).resolves.toBeUndefined();

  expect(behaviour.seen.map(({ order, context }) => [order.id, context.source, context.mediaType])).toEqual([
    ['n-1', 'order-events', ORDER],
  ]);
});

it('throws when a record fails, naming it, so Lambda retries the event', async () => {
  const handler = snsHandler();
  const { behaviour } = await partsOf(handler);
  behaviour.run = () => {
    throw new Error('the ledger is locked');
  };

  await expect(handler(snsEvent(notification('n-1')), lambdaContext())).rejects.toThrow(
    '1 of 1 records failed (n-1: the ledger is locked); throwing so Lambda retries the event',
  );
});

it('a poison notification goes to the dead-letter destination and the invocation succeeds', async () => {
  const handler = snsHandler({ deadLetterDestination: 'dead-letters' });
  const { deadLetters } = await partsOf(handler);

  await handler(snsEvent(notification('n-bad', 'not json at all')), lambdaContext());

  expect(deadLetters()).toEqual([
    {
      body: 'not json at all',
      attributes: expect.objectContaining({
        media_type: ORDER,
        'x-dead-letter-reason': 'invalid message: body is not JSON (at position 1)',
        'x-original-source': 'order-events',
      }),
    },
  ]);
});

it('without a destination, a poison notification throws: the function on-failure destination takes it', async () => {
  const handler = snsHandler();
  await expect(
    handler(snsEvent(snsRecord({ messageId: 'n-untyped', message: order('n-untyped') })), lambdaContext()),
  ).rejects.toThrow(/1 of 1 records failed \(n-untyped: dead letter \(invalid message: no media type/);
});

it('rejects a record that is not an SNS notification, with the reason', async () => {
  const handler = snsHandler({ deadLetterDestination: 'dead-letters' });
  const { deadLetters } = await partsOf(handler);

  await handler(
    snsEvent(snsRecord({ messageId: 'n-sub', message: order('n-sub'), type: 'SubscriptionConfirmation' })),
    lambdaContext(),
  );

  expect(deadLetters()[0]?.attributes['x-dead-letter-reason']).toBe(
    'invalid message: not an SNS notification (Type "SubscriptionConfirmation", TopicArn "arn:aws:sns:us-east-1:123456789012:order-events")',
  );
});
