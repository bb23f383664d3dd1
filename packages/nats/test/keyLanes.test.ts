import { describe, expect, it } from 'vitest';
import { KeyLanes } from '../src/KeyLanes.js';

interface Item {
  readonly key: string;
  readonly sequence: number;
  readonly tag?: string;
}

const item = (key: string, sequence: number, tag?: string): Item => ({ key, sequence, tag });
const ids = (items: readonly Item[]): string[] => items.map(({ key, sequence }) => `${key}${sequence}`);

describe('KeyLanes', () => {
  it('a parked message holds its key: later messages join behind it by sequence, none is due before the delay', () => {
    const lanes = new KeyLanes<Item>();
    lanes.park(item('a', 5), 1000, 0);
    expect(lanes.has('a')).toBe(true);
    expect(lanes.has('b')).toBe(false);
    expect(lanes.hold(item('a', 9))).toBe(true);
    expect(lanes.hold(item('a', 7))).toBe(true);
    // A key without a lane is not held back.
    expect(lanes.hold(item('b', 6))).toBe(false);
    expect(lanes.take(10, 999)).toEqual([]);
    expect(lanes.nextDueAt()).toBe(1000);
    expect(ids(lanes.take(10, 1000))).toEqual(['a5', 'a7', 'a9']);
    expect(lanes.has('a')).toBe(false);
    expect(lanes.size).toBe(0);
  });

  it('a lane cut short by max stays, due, so the key still queues behind what is left', () => {
    const lanes = new KeyLanes<Item>();
    lanes.park(item('a', 1), 0, 0);
    lanes.hold(item('a', 2));
    lanes.hold(item('a', 3));
    expect(ids(lanes.take(2, 0))).toEqual(['a1', 'a2']);
    expect(lanes.has('a')).toBe(true);
    expect(lanes.hold(item('a', 4))).toBe(true);
    expect(ids(lanes.take(10, 0))).toEqual(['a3', 'a4']);
  });

  it('parking again in a lane keeps the later due time, and the failed message goes back in sequence', () => {
    const lanes = new KeyLanes<Item>();
    lanes.park(item('a', 2), 500, 0);
    lanes.hold(item('a', 3));
    // a2's retry was handed out with a3 and failed again: both come back, a2 first.
    expect(ids(lanes.take(10, 500))).toEqual(['a2', 'a3']);
    lanes.park(item('a', 2), 200, 600);
    lanes.hold(item('a', 3));
    expect(lanes.nextDueAt()).toBe(800);
    expect(ids(lanes.take(10, 800))).toEqual(['a2', 'a3']);
  });

  it('lanes are independent: one key waiting does not hold another back', () => {
    const lanes = new KeyLanes<Item>();
    lanes.park(item('a', 1), 1000, 0);
    lanes.park(item('b', 2), 10, 0);
    expect(ids(lanes.take(10, 10))).toEqual(['b2']);
    expect(lanes.nextDueAt()).toBe(1000);
  });

  it('a second delivery of a held sequence (redelivered after a lost ack_wait) replaces the first', () => {
    const lanes = new KeyLanes<Item>();
    lanes.park(item('a', 1, 'old'), 0, 0);
    lanes.hold(item('a', 1, 'new'));
    const [only, ...rest] = lanes.take(10, 0);
    expect(rest).toEqual([]);
    expect(only!.tag).toBe('new');
  });

  it('drain hands back every lane in order and empties them', () => {
    const lanes = new KeyLanes<Item>();
    lanes.park(item('a', 3), 1000, 0);
    lanes.hold(item('a', 1));
    lanes.park(item('b', 2), 1000, 0);
    expect(lanes.size).toBe(3);
    expect(ids(lanes.drain())).toEqual(['a1', 'a3', 'b2']);
    expect(lanes.size).toBe(0);
    expect(lanes.nextDueAt()).toBeUndefined();
  });
});
