import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryQueue, type MemoryDelivery } from '../src/memory/MemoryQueue.js';

// MemoryQueue reads Date.now() and sleeps with setTimeout: fake timers make time explicit.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const queue = (visibilityTimeoutSeconds = 30): MemoryQueue =>
  new MemoryQueue('orders', { visibilityTimeoutSeconds });
const bodies = (deliveries: MemoryDelivery[]): unknown[] => deliveries.map((delivery) => delivery.body);

/** Receives without waiting. */
const poll = (q: MemoryQueue, max = 10): Promise<MemoryDelivery[]> => q.receive(max, 0);

describe('MemoryQueue send and receive', () => {
  it('delivers a message with its body, attributes, key and a receive count of 1', async () => {
    const q = queue();
    const id = q.send('hello', { media_type: 'text/plain' }, { key: 'k-1' });
    const [delivery] = await poll(q);
    expect(delivery).toMatchObject({
      id,
      body: 'hello',
      attributes: { media_type: 'text/plain' },
      key: 'k-1',
      receiveCount: 1,
    });
    expect(delivery?.receipt).toEqual(expect.any(String));
  });

  it('returns nothing from an empty queue', async () => {
    expect(await poll(queue())).toEqual([]);
  });

  it('returns at most max messages', async () => {
    const q = queue();
    for (const body of ['a', 'b', 'c']) q.send(body);
    expect(await poll(q, 2)).toHaveLength(2);
    expect(await poll(q, 2)).toHaveLength(1);
  });

  it('delivers messages sent at the same moment in the order they were sent', async () => {
    const q = queue();
    const sent = Array.from({ length: 10 }, (_, index) => `m${index}`);
    for (const body of sent) q.send(body);
    expect(bodies(await poll(q))).toEqual(sent);
  });

  it('delivers messages with the same key in the order they were sent', async () => {
    const q = queue();
    for (const body of ['first', 'second', 'third']) q.send(body, {}, { key: 'customer-1' });
    expect(bodies(await poll(q))).toEqual(['first', 'second', 'third']);
  });

  it('delivers messages that became visible at different times in time order', async () => {
    const q = queue();
    q.send('late', {}, { delaySeconds: 0.2 });
    q.send('early', {}, { delaySeconds: 0.1 });
    vi.advanceTimersByTime(300);
    expect(bodies(await poll(q))).toEqual(['early', 'late']);
  });

  it('a waiting receive wakes up when a message is sent', async () => {
    const q = queue();
    const receiving = q.receive(1, 10_000);
    q.send('wake up');
    await vi.advanceTimersByTimeAsync(0);
    expect(bodies(await receiving)).toEqual(['wake up']);
  });

  it('a waiting receive returns empty after waitMs', async () => {
    const q = queue();
    const receiving = q.receive(1, 100);
    await vi.advanceTimersByTimeAsync(100);
    expect(await receiving).toEqual([]);
  });

  it('an aborted receive returns at once', async () => {
    const q = queue();
    const controller = new AbortController();
    const receiving = q.receive(1, 10_000, controller.signal);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(await receiving).toEqual([]);
  });
});

describe('MemoryQueue visibility timeout', () => {
  it('hides a received message until the timeout passes, then redelivers it', async () => {
    const q = queue(0.05);
    q.send('job');
    const [first] = await poll(q);
    expect(await poll(q)).toEqual([]);
    vi.advanceTimersByTime(49);
    expect(await poll(q)).toEqual([]);
    vi.advanceTimersByTime(1);
    const [second] = await poll(q);
    expect(second).toMatchObject({ id: first?.id, body: 'job', receiveCount: 2 });
    expect(second?.receipt).not.toBe(first?.receipt);
  });

  it('a receive waiting for an invisible message gets it when it becomes visible', async () => {
    const q = queue(0.05);
    q.send('job');
    await poll(q);
    const receiving = q.receive(1, 10_000);
    await vi.advanceTimersByTimeAsync(50);
    expect(bodies(await receiving)).toEqual(['job']);
  });

  it('keeps the message stored while it is in flight', async () => {
    const q = queue();
    q.send('job');
    await poll(q);
    expect(q.size).toBe(1);
    expect(q.peekAll()).toMatchObject([{ body: 'job', attributes: {} }]);
  });
});

describe('MemoryQueue.delete', () => {
  it('removes a message received with that receipt', async () => {
    const q = queue(0.05);
    q.send('job');
    const [delivery] = await poll(q);
    expect(q.delete(delivery!.receipt)).toBe(true);
    expect(q.size).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(await poll(q)).toEqual([]);
  });

  it('fails with a stale receipt from an earlier delivery', async () => {
    const q = queue(0.05);
    q.send('job');
    const [first] = await poll(q);
    vi.advanceTimersByTime(50);
    const [second] = await poll(q);
    expect(q.delete(first!.receipt)).toBe(false);
    expect(q.size).toBe(1);
    expect(q.delete(second!.receipt)).toBe(true);
  });

  it('fails once the message is visible again, before anyone received it', async () => {
    const q = queue(0);
    q.send('job');
    const [delivery] = await poll(q);
    await poll(q, 0); // promotes the expired lease without receiving
    expect(q.delete(delivery!.receipt)).toBe(false);
    expect(q.size).toBe(1);
  });

  it('fails for an unknown or already used receipt', async () => {
    const q = queue();
    q.send('job');
    const [delivery] = await poll(q);
    expect(q.delete('nonsense')).toBe(false);
    expect(q.delete(`${delivery!.id}:99`)).toBe(false);
    expect(q.delete(delivery!.receipt)).toBe(true);
    expect(q.delete(delivery!.receipt)).toBe(false);
  });
});

describe('MemoryQueue bookkeeping', () => {
  it('keeps nothing behind for messages received and deleted (no lease entry waits for its timeout)', async () => {
    const q = queue(30);
    for (let round = 0; round < 5; round += 1) {
      for (let index = 0; index < 100; index += 1) q.send(`m-${round}-${index}`);
      for (const delivery of await poll(q, 100)) expect(q.delete(delivery.receipt)).toBe(true);
    }
    expect(q.size).toBe(0);
    expect(q.pendingEntries).toBe(0);
  });
});

describe('MemoryQueue.changeVisibility', () => {
  it('0 makes the message visible at once', async () => {
    const q = queue(30);
    q.send('job');
    const [first] = await poll(q);
    expect(q.changeVisibility(first!.receipt, 0)).toBe(true);
    expect(await poll(q)).toMatchObject([{ body: 'job', receiveCount: 2 }]);
  });

  it('0 wakes a waiting receive', async () => {
    const q = queue(30);
    q.send('job');
    const [first] = await poll(q);
    const receiving = q.receive(1, 10_000);
    q.changeVisibility(first!.receipt, 0);
    await vi.advanceTimersByTimeAsync(0);
    expect(bodies(await receiving)).toEqual(['job']);
  });

  it('a delay hides the message for that long instead of the visibility timeout', async () => {
    const q = queue(30);
    q.send('job');
    const [first] = await poll(q);
    q.changeVisibility(first!.receipt, 0.05);
    vi.advanceTimersByTime(49);
    expect(await poll(q)).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(bodies(await poll(q))).toEqual(['job']);
  });

  it('extending keeps the message hidden past the original timeout', async () => {
    const q = queue(0.05);
    q.send('job');
    const [first] = await poll(q);
    q.changeVisibility(first!.receipt, 1);
    vi.advanceTimersByTime(500);
    expect(await poll(q)).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(bodies(await poll(q))).toEqual(['job']);
  });

  it('fails with a stale receipt and leaves the message alone', async () => {
    const q = queue(0.05);
    q.send('job');
    const [first] = await poll(q);
    vi.advanceTimersByTime(50);
    await poll(q);
    expect(q.changeVisibility(first!.receipt, 0)).toBe(false);
    expect(await poll(q)).toEqual([]);
  });
});

describe('MemoryQueue delaySeconds', () => {
  it('keeps a delayed message invisible until its delay has passed', async () => {
    const q = queue();
    q.send('later', {}, { delaySeconds: 0.05 });
    expect(q.size).toBe(1);
    expect(await poll(q)).toEqual([]);
    vi.advanceTimersByTime(49);
    expect(await poll(q)).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(await poll(q)).toMatchObject([{ body: 'later', receiveCount: 1 }]);
  });

  it('does not hold back messages sent without a delay', async () => {
    const q = queue();
    q.send('later', {}, { delaySeconds: 10 });
    q.send('now');
    expect(bodies(await poll(q))).toEqual(['now']);
  });

  it('a waiting receive gets a delayed message when it is due', async () => {
    const q = queue();
    q.send('later', {}, { delaySeconds: 0.05 });
    const receiving = q.receive(1, 10_000);
    await vi.advanceTimersByTimeAsync(50);
    expect(bodies(await receiving)).toEqual(['later']);
  });
});

describe('MemoryQueue redrive', () => {
  it('moves a message received more than maxReceiveCount times to the dead-letter queue', async () => {
    const deadLetterQueue = new MemoryQueue('orders.dlq', { visibilityTimeoutSeconds: 30 });
    const q = new MemoryQueue('orders', {
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 2,
      deadLetterQueue,
    });
    q.send('poison', { media_type: 'text/plain' }, { key: 'k' });

    for (const expectedCount of [1, 2]) {
      const [delivery] = await poll(q);
      expect(delivery?.receiveCount).toBe(expectedCount);
      q.changeVisibility(delivery!.receipt, 0);
    }

    expect(await poll(q)).toEqual([]);
    expect(q.size).toBe(0);
    expect(await poll(deadLetterQueue)).toMatchObject([
      { body: 'poison', attributes: { media_type: 'text/plain' }, key: 'k', receiveCount: 1 },
    ]);
  });

  it('still delivers the other messages of the batch', async () => {
    const deadLetterQueue = new MemoryQueue('orders.dlq', { visibilityTimeoutSeconds: 30 });
    const q = new MemoryQueue('orders', {
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 1,
      deadLetterQueue,
    });
    q.send('poison');
    const [poison] = await poll(q);
    q.changeVisibility(poison!.receipt, 0);
    q.send('fine');
    expect(bodies(await poll(q))).toEqual(['fine']);
    expect(bodies(await poll(deadLetterQueue))).toEqual(['poison']);
  });

  it('never redrives without a dead-letter queue', async () => {
    const q = new MemoryQueue('orders', { visibilityTimeoutSeconds: 30, maxReceiveCount: 1 });
    q.send('job');
    for (const expectedCount of [1, 2, 3]) {
      const [delivery] = await poll(q);
      expect(delivery?.receiveCount).toBe(expectedCount);
      q.changeVisibility(delivery!.receipt, 0);
    }
  });
});
