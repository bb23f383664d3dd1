import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../src/DeliveryQueue.js';
import type { KafkaDelivery } from '../src/KafkaDelivery.js';
import { orderingKeyFor } from '../src/toDelivery.js';

function delivery(offset: number, key: string | null, mode: 'keyed' | 'unordered' = 'keyed'): KafkaDelivery {
  return {
    id: `t/0/${offset}`,
    body: '{}',
    attributes: {},
    attempt: 1,
    source: 't',
    orderingKey: orderingKeyFor(mode, 't', 0, key),
    topic: 't',
    partition: 0,
    offset,
    epoch: 1,
    ...(key === null ? {} : { key }),
    rawKey: key === null ? null : Buffer.from(key),
    bytes: 2 + (key?.length ?? 0),
  };
}
const offsets = (items: KafkaDelivery[]): number[] => items.map((item) => item.offset);

describe('DeliveryQueue', () => {
  it('delivers in fetch order', () => {
    const queue = new DeliveryQueue();
    for (const offset of [0, 1, 2]) queue.push(delivery(offset, 'a'));
    expect(offsets(queue.take(2, 0))).toEqual([0, 1]);
    expect(offsets(queue.take(5, 0))).toEqual([2]);
    expect(queue.size).toBe(0);
  });

  it("redelivers a key's nacked message after its delay, then its released successors in offset order", () => {
    const queue = new DeliveryQueue();
    for (const offset of [0, 1, 2, 3, 4]) queue.push(delivery(offset, offset === 1 ? 'b' : 'a'));
    const first = queue.take(4, 0); // a0 b1 a2 a3 held by the runner
    expect(offsets(first)).toEqual([0, 1, 2, 3]);
    // The runner nacks a0 (retry in 5 s) and releases the a-messages it held (a3 first, then a2).
    queue.park(first[0]!, 5000, 0);
    queue.park(first[3]!, 0, 0);
    queue.park(first[2]!, 0, 0);
    // Meanwhile other keys flow, and a4 — fetched later — waits behind the parked key.
    expect(offsets(queue.take(10, 1000))).toEqual([]);
    queue.push(delivery(5, 'b'));
    expect(offsets(queue.take(10, 1000))).toEqual([5]);
    expect(queue.nextDueAt(1000)).toBe(5000);
    expect(offsets(queue.take(10, 5000))).toEqual([0, 2, 3, 4]);
  });

  it("serves idle lanes first, so one key's long backlog cannot fill the daemon's window", () => {
    const queue = new DeliveryQueue();
    for (let offset = 0; offset < 50; offset += 1) queue.push(delivery(offset, 'hot'));
    queue.push(delivery(50, 'cold'));
    queue.push(delivery(51, 'other'));
    const first = queue.take(3, 0);
    expect(offsets(first).sort((a, b) => a - b)).toEqual([0, 50, 51]);
    // With room left over, busy lanes are pipelined in their own order.
    expect(offsets(queue.take(3, 0))).toEqual([1, 2, 3]);
  });

  it('parks unordered messages one by one, without holding others back', () => {
    const queue = new DeliveryQueue();
    for (const offset of [0, 1]) queue.push(delivery(offset, null, 'unordered'));
    const [first] = queue.take(1, 0);
    queue.park(first!, 1000, 0);
    expect(offsets(queue.take(10, 10))).toEqual([1]);
    expect(offsets(queue.take(10, 1000))).toEqual([0]);
  });

  it('drops the messages of a revoked partition, parked or not', () => {
    const queue = new DeliveryQueue();
    for (const offset of [0, 1]) queue.push(delivery(offset, 'a'));
    const [first] = queue.take(1, 0);
    queue.park(first!, 1000, 0);
    queue.drop((item) => item.partition === 0);
    expect(queue.size).toBe(0);
    expect(queue.take(10, 5000)).toEqual([]);
  });
});
