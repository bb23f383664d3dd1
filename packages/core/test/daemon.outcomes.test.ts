import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { Nack, RejectMessage, SkipMessage } from '../src/index.js';
import { Order, ORDER, Receipt, RECEIPT, startOrderDaemon, stopOrderDaemons } from './support/fixtures.js';

afterEach(stopOrderDaemons);
const start = startOrderDaemon;

const order = { id: 'o-1', quantity: 2 };

describe('outcomes', () => {
  it('succeeded: the handler gets the typed message and its context, and the message is acked', async () => {
    const { daemon, behaviour } = await start(() => undefined);
    const outcome = await daemon.publishAndWait(Order, order, {
      opaqueData: { 'x-request-id': 'r-1', 'x-internal': 'nope' },
    });
    expect(outcome.kind).toBe('succeeded');
    const [seen] = behaviour.seen;
    expect(seen?.order).toBeInstanceOf(Order);
    expect(seen?.order).toEqual(Object.assign(new Order(), order));
    expect(seen?.context).toMatchObject({ mediaType: ORDER, attempt: 1, source: 'order-daemon' });
    expect(seen?.context.opaqueData).toEqual({ 'x-request-id': 'r-1', 'x-request-ttl': '32' });
    expect(seen?.context.signal.aborted).toBe(false);
    expect(daemon.queue.size).toBe(0);
  });

  it('skipped: SkipMessage acks without handling', async () => {
    const { daemon } = await start(() => {
      throw new SkipMessage('not for us');
    });
    expect(await daemon.publishAndWait(Order, order)).toMatchObject({
      kind: 'skipped',
      reason: 'not for us',
    });
    expect(daemon.queue.size).toBe(0);
  });

  it('ignored: a media type without a handler is acked by default', async () => {
    const { daemon } = await start(() => undefined);
    expect(await daemon.publishAndWait(Receipt, { orderId: 'o-1' })).toMatchObject({
      kind: 'ignored',
      reason: `no handler for media type "${RECEIPT}"`,
    });
    expect(daemon.deadLetters()).toEqual([]);
  });

  it('ignored → dead-lettered when consumer.unhandled=dead-letter', async () => {
    const { daemon } = await start(() => undefined, ['--set', 'consumer.unhandled=dead-letter']);
    expect((await daemon.publishAndWait(Receipt, { orderId: 'o-1' })).kind).toBe('dead-lettered');
    expect(daemon).toHaveDeadLettered('no handler for media type');
  });

  it('expired: a hop count of 0 is acked without handling', async () => {
    const { daemon, behaviour } = await start(() => undefined);
    const outcome = await daemon.publishAndWait(Order, order, { opaqueData: { 'x-request-ttl': '0' } });
    expect(outcome.kind).toBe('expired');
    expect(behaviour.seen).toHaveLength(0);
  });

  it('retried: Nack(0) redelivers at once and the next attempt sees attempt 2', async () => {
    const { daemon, behaviour } = await start((_, context) => {
      if (context.attempt === 1) throw new Nack(0, 'not yet');
    });
    expect((await daemon.publishAndWait(Order, order)).kind).toBe('succeeded');
    expect(behaviour.seen.map((seen) => seen.context.attempt)).toEqual([1, 2]);
    expect(daemon.running.counter.get('retried')).toBe(1);
  });

  it('retried: the Nack delay is applied before redelivery', async () => {
    const startedAt: number[] = [];
    const { daemon } = await start((_, context) => {
      startedAt.push(performance.now());
      if (context.attempt === 1) throw new Nack(0.3);
    });
    await daemon.publishAndWait(Order, order);
    expect(startedAt).toHaveLength(2);
    // A lower bound only: redelivery must not come before the requested delay.
    expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(290);
  });

  it('failed: an exception is retried and may then succeed', async () => {
    const { daemon } = await start((_, context) => {
      if (context.attempt < 3) throw new Error('database is down');
    });
    expect((await daemon.publishAndWait(Order, order)).kind).toBe('succeeded');
    expect(daemon.running.counter.get('failed')).toBe(2);
  });

  it('dead-lettered: attempts exhausted, with the last error as the reason', async () => {
    const { daemon, behaviour } = await start(() => {
      throw new Error('always broken');
    }, ['--set', 'consumer.maxAttempts=3']);
    const outcome = await daemon.publishAndWait(Order, order);
    expect(outcome).toMatchObject({
      kind: 'dead-lettered',
      reason: 'gave up after 3 attempts: always broken',
    });
    expect(behaviour.seen).toHaveLength(3);
    expect(daemon).toHaveDeadLettered('gave up after 3 attempts: always broken');
    const [letter] = daemon.deadLetters();
    expect(letter?.attributes).toMatchObject({ 'x-attempts': '3', 'x-original-source': 'order-daemon' });
    expect(JSON.parse(String(letter?.body))).toMatchObject({ mediaType: ORDER, id: 'o-1' });
    expect(daemon.queue.size).toBe(0);
  });

  it('dead-lettered: RejectMessage skips the remaining attempts', async () => {
    const { daemon, behaviour } = await start(() => {
      throw new RejectMessage('order is from the future');
    });
    expect(await daemon.publishAndWait(Order, order)).toMatchObject({
      kind: 'dead-lettered',
      reason: 'rejected: order is from the future',
    });
    expect(behaviour.seen).toHaveLength(1);
  });

  it('a handler that outlives consumer.handlerTimeoutMs is aborted, counted as failed and retried', async () => {
    const { daemon } = await start(
      async (_, context) => {
        if (context.attempt > 1) return;
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      },
      ['--set', 'consumer.handlerTimeoutMs=100'],
    );
    expect((await daemon.publishAndWait(Order, order)).kind).toBe('succeeded');
    expect(daemon.running.counter.get('failed')).toBe(1);
  });
});

describe('deferred produce', () => {
  it('publishes only after the handler succeeded, with the hop count decremented', async () => {
    const { daemon } = await start(async (received, context) => {
      await context.producer.produce(Receipt, { orderId: received.id });
      expect(daemon.published()).toEqual([]); // nothing sent while the handler runs
    });
    await daemon.publishAndWait(Order, order, { opaqueData: { 'x-request-id': 'r-9' } });
    expect(daemon).toHavePublished(RECEIPT, { orderId: 'o-1' });
    const [published] = daemon.published(RECEIPT);
    expect(published?.content.opaqueData).toEqual({ 'x-request-id': 'r-9', 'x-request-ttl': '31' });
  });

  it('publishes nothing when the handler fails, is retried or dead-lettered', async () => {
    const { daemon } = await start(
      async (received, context) => {
        await context.producer.produce(Receipt, { orderId: received.id });
        throw new Error('failed after producing');
      },
      ['--set', 'consumer.maxAttempts=2'],
    );
    expect((await daemon.publishAndWait(Order, order)).kind).toBe('dead-lettered');
    expect(daemon).toHavePublishedNothing();
  });

  it('validates on produce: an invalid message fails the handler', async () => {
    const { daemon } = await start(
      async (_, context) => {
        await context.producer.produce(Receipt, { orderId: 42 });
      },
      ['--set', 'consumer.maxAttempts=1'],
    );
    const outcome = await daemon.publishAndWait(Order, order);
    expect(outcome.kind).toBe('dead-lettered');
    expect(outcome.reason).toContain('orderId');
    expect(daemon).toHavePublishedNothing();
  });
});
