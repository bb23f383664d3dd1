import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../src/memory/MinHeap.js';

function drain<T>(heap: MinHeap<T>): T[] {
  const out: T[] = [];
  while (heap.size > 0) out.push(heap.pop()!);
  return out;
}

describe('MinHeap', () => {
  it('is empty at first', () => {
    const heap = new MinHeap<string>();
    expect(heap.size).toBe(0);
    expect(heap.peekPriority()).toBeUndefined();
    expect(heap.pop()).toBeUndefined();
  });

  it('pops values in ascending priority', () => {
    const heap = new MinHeap<string>();
    for (const [priority, value] of [
      [5, 'e'],
      [1, 'a'],
      [4, 'd'],
      [2, 'b'],
      [3, 'c'],
    ] as const) {
      heap.push(priority, value);
    }
    expect(drain(heap)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('peekPriority shows the smallest priority without removing it', () => {
    const heap = new MinHeap<string>();
    heap.push(10, 'late');
    heap.push(3, 'early');
    expect(heap.peekPriority()).toBe(3);
    expect(heap.size).toBe(2);
    expect(heap.pop()).toBe('early');
    expect(heap.peekPriority()).toBe(10);
  });

  it('pops the last value and is then empty', () => {
    const heap = new MinHeap<number>();
    heap.push(1, 42);
    expect(heap.pop()).toBe(42);
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
  });

  it('keeps order when pushes and pops interleave', () => {
    const heap = new MinHeap<number>();
    heap.push(5, 5);
    heap.push(3, 3);
    expect(heap.pop()).toBe(3);
    heap.push(1, 1);
    heap.push(4, 4);
    expect(drain(heap)).toEqual([1, 4, 5]);
  });

  it('pops any sequence of priorities in sorted order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 })), (priorities) => {
        const heap = new MinHeap<number>();
        for (const priority of priorities) heap.push(priority, priority);
        expect(heap.size).toBe(priorities.length);
        expect(drain(heap)).toEqual([...priorities].sort((a, b) => a - b));
      }),
    );
  });

  it('pops equal priorities in insertion order', () => {
    const heap = new MinHeap<string>();
    for (const value of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) heap.push(7, value);
    expect(drain(heap)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('is stable: every value comes out once, ties in insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 })), (priorities) => {
        const heap = new MinHeap<number>();
        priorities.forEach((priority, index) => heap.push(priority, index));
        const expected = priorities
          .map((priority, index) => ({ priority, index }))
          .sort((a, b) => a.priority - b.priority || a.index - b.index)
          .map(({ index }) => index);
        expect(drain(heap)).toEqual(expected);
      }),
    );
  });
});
