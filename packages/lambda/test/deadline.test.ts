import 'reflect-metadata';
import { afterEach, expect, it } from 'vitest';
import type { HandlerContext } from '@switchyard/core';
import { toLambdaHandler, type LambdaHandler, type LambdaHandlerOptions } from '../src/index.js';
import { lambdaContext, sqsEvent, sqsRecord } from './support/events.js';
import { captureLogs, order, ORDER, LambdaOrderDaemon, partsOf } from './support/orderDaemon.js';

const handlers: Array<LambdaHandler<never, unknown>> = [];
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.stop()));
});

function sqsHandler(options: LambdaHandlerOptions = {}) {
  const handler = toLambdaHandler(LambdaOrderDaemon, {
    env: {},
    ...options,
    argv: ['--set', 'daemon.logLevel=silent', ...(options.argv ?? [])],
  });
  handlers.push(handler);
  return handler;
}

const valid = (messageId: string) =>
  sqsRecord({ messageId, body: order(messageId), attributes: { media_type: ORDER } });

/** A handler that never finishes on its own: only its abort signal ends it. */
const hangsUntilAborted = (context: HandlerContext): Promise<void> =>
  new Promise((_resolve, reject) =>
    context.signal.addEventListener('abort', () => reject(context.signal.reason as Error), { once: true }),
  );

it('aborts a handler still running near the Lambda deadline and reports its record as failed', async () => {
  // Whatever the timings, the slow handler ends only by being aborted, so returning at all shows
  // the deadline cut it short; the deadline is 3 s away and the margin 1 s, which leaves the fast
  // records 2 s even on a loaded machine.
  const handler = sqsHandler({ deadlineMarginMs: 1000 });
  const { behaviour, outcomeLog } = await partsOf(handler);
  const aborted: unknown[] = [];
  behaviour.run = async (order, context) => {
    if (order.id !== 'slow') return;
    context.signal.addEventListener('abort', () => aborted.push(context.signal.reason));
    await hangsUntilAborted(context);
  };

  const response = await handler(
    sqsEvent(valid('fast-1'), valid('slow'), valid('fast-2')),
    lambdaContext(3000),
  );

  expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'slow' }]);
  expect(String(aborted[0])).toMatch(/handler aborted: the Lambda invocation ends in \d+ ms/);
  // The daemon's own middleware saw the timeout as the record's outcome.
  expect(outcomeLog.outcomes.find(({ messageId }) => messageId === 'slow')?.outcome).toMatchObject({
    kind: 'failed',
    reason: expect.stringContaining('the Lambda invocation ends in'),
  });
});

it('fails the records not yet started at the deadline without running them, and says so', async () => {
  const logs = captureLogs();
  const handler = sqsHandler({
    deadlineMarginMs: 400,
    logger: logs.logger,
    argv: ['--set', 'consumer.concurrency=1'],
  });
  const { behaviour } = await partsOf(handler);
  behaviour.run = (_order, context) => hangsUntilAborted(context);

  const response = await handler(
    sqsEvent(valid('first'), valid('second'), valid('third')),
    lambdaContext(600),
  );

  expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual([
    'first',
    'second',
    'third',
  ]);
  expect(behaviour.seen.map(({ order }) => order.id)).toEqual(['first']);
  expect(logs.entries()).toContainEqual(
    expect.objectContaining({
      msg: 'the Lambda deadline is near: aborting running handlers and failing records not yet started',
      unsettled: 3,
    }),
  );
});

it('an invocation after a deadline runs normally: the runner is not left holding the aborted work', async () => {
  const handler = sqsHandler({ deadlineMarginMs: 400, argv: ['--set', 'consumer.concurrency=1'] });
  const { behaviour } = await partsOf(handler);
  behaviour.run = (order, context) => (order.id === 'slow' ? hangsUntilAborted(context) : undefined);

  await handler(sqsEvent(valid('slow')), lambdaContext(600));
  const next = await handler(sqsEvent(valid('next')), lambdaContext());

  expect(next).toEqual({ batchItemFailures: [] });
  expect(behaviour.seen.map(({ order }) => order.id)).toEqual(['slow', 'next']);
});
