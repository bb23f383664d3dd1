import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RejectMessage } from '../src/index.js';
import type { TestDaemon } from '../src/testing/index.js';
import { Order, RECEIPT, Receipt, startOrderDaemon, stopOrderDaemons } from './support/fixtures.js';

afterAll(stopOrderDaemons);

// One daemon that published a receipt for o-1 and dead-lettered o-2: each matcher must pass where
// it should and throw, with a useful message, where it should not.
let daemon: TestDaemon;
beforeAll(async () => {
  ({ daemon } = await startOrderDaemon(async (order, context) => {
    if (order.id === 'o-2') throw new RejectMessage('banned customer');
    await context.producer.produce(Receipt, { orderId: order.id });
  }));
  await daemon.publishAndWait(Order, { id: 'o-1', quantity: 1 });
  await daemon.publishAndWait(Order, { id: 'o-2', quantity: 1 });
});

describe('toHavePublished', () => {
  it('passes for a published media type with matching fields', () => {
    expect(daemon).toHavePublished(RECEIPT, { orderId: 'o-1' });
    expect(daemon).toHavePublished(RECEIPT);
  });

  it('fails for other fields, another media type, or under .not when it was published', () => {
    expect(() => expect(daemon).toHavePublished(RECEIPT, { orderId: 'o-2' })).toThrow(
      /expected published application\/vnd\.test\.receipt with \{"orderId":"o-2"\}; published: .*o-1/,
    );
    expect(() => expect(daemon).toHavePublished('application/vnd.test.other')).toThrow(/expected published/);
    expect(() => expect(daemon).not.toHavePublished(RECEIPT, { orderId: 'o-1' })).toThrow(
      /expected no published/,
    );
  });
});

describe('toHavePublishedNothing', () => {
  it('fails after a publish, naming what was published', () => {
    expect(() => expect(daemon).toHavePublishedNothing()).toThrow(/expected nothing published, got .*o-1/);
    expect(daemon).not.toHavePublishedNothing();
  });

  it('passes on a daemon that published nothing, and fails there under .not', async () => {
    const { daemon: quiet } = await startOrderDaemon(() => undefined);
    await quiet.publishAndWait(Order, { id: 'o-3', quantity: 1 });
    expect(quiet).toHavePublishedNothing();
    expect(() => expect(quiet).not.toHavePublishedNothing()).toThrow(/expected something published/);
  });
});

describe('toHaveDeadLettered', () => {
  it('passes for a matching reason, as text or a pattern', () => {
    expect(daemon).toHaveDeadLettered('banned customer');
    expect(daemon).toHaveDeadLettered(/banned/);
  });

  it('fails for a reason no dead letter has, naming the reasons there are', () => {
    expect(() => expect(daemon).toHaveDeadLettered('schema')).toThrow(
      /expected dead letter matching schema; dead letters: \[".*banned customer"\]/,
    );
    expect(() => expect(daemon).not.toHaveDeadLettered(/banned/)).toThrow(/expected no dead letter/);
  });

  it('fails on a daemon that dead-lettered nothing', async () => {
    const { daemon: clean } = await startOrderDaemon(() => undefined);
    await clean.publishAndWait(Order, { id: 'o-4', quantity: 1 });
    expect(() => expect(clean).toHaveDeadLettered(/.*/)).toThrow(/dead letters: \[\]/);
  });
});
