import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../src/ByteBudget.js';

const KIB = 1024;

/**
 * A fake consumer over the budget: partitions that are not paused fetch (each at most
 * `fetchBytes`), messages finish in random order. Checks, before every fetch, that what is held
 * plus a whole fetch for every partition that may fetch stays within the bound.
 */
function simulate(options: {
  partitions: number;
  maxBytes: number;
  fetchBytes: number;
  steps: number;
  seed: number;
}): {
  worstBeforeFetch: number;
  peak: number;
  fetchesPerPartition: number[];
} {
  let seed = options.seed;
  const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const ids = Array.from({ length: options.partitions }, (_, index) => `t/${index}`);
  const budget = new ByteBudget(options.maxBytes, options.fetchBytes);
  const paused = new Set(budget.assign(ids, 0));
  const held: number[] = []; // sizes of unfinished messages
  const fetchesPerPartition = ids.map(() => 0);
  let worstBeforeFetch = 0;
  for (let step = 0; step < options.steps; step += 1) {
    const open = ids.filter((id) => !paused.has(id));
    if (open.length > 0 && (held.length === 0 || random() < 0.5)) {
      // What the next fetch could bring, checked before it is sent.
      const fetchable = budget.held + open.length * options.fetchBytes;
      if (!(open.length === 1 && budget.held === 0)) worstBeforeFetch = Math.max(worstBeforeFetch, fetchable);
      const id = open[Math.floor(random() * open.length)]!;
      fetchesPerPartition[ids.indexOf(id)]! += 1;
      let bytes = 0;
      while (bytes < options.fetchBytes - 2 * KIB) {
        const size = 100 + Math.floor(random() * 1900);
        held.push(size);
        bytes += size;
      }
      for (const closed of budget.took(id, bytes)) paused.add(closed);
    } else if (held.length > 0) {
      const [size] = held.splice(Math.floor(random() * held.length), 1);
      for (const opened of budget.finished(size!)) paused.delete(opened);
    }
  }
  return { worstBeforeFetch, peak: budget.peak, fetchesPerPartition };
}

describe('ByteBudget', () => {
  it('never lets the next fetch pass the bound, and every partition takes its turn', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const maxBytes = 1024 * KIB;
      const result = simulate({ partitions: 8, maxBytes, fetchBytes: 256 * KIB, steps: 50_000, seed });
      expect(result.worstBeforeFetch).toBeLessThanOrEqual(maxBytes);
      expect(result.peak).toBeLessThanOrEqual(maxBytes);
      expect(Math.min(...result.fetchesPerPartition)).toBeGreaterThan(0);
    }
  });

  it('closes every partition that does not fit at assignment', () => {
    const budget = new ByteBudget(600 * KIB, 256 * KIB);
    expect(budget.assign(['a', 'b', 'c', 'd'], 0)).toEqual(['c', 'd']);
    expect(budget.isWaiting('c')).toBe(true);
    expect(budget.isWaiting('a')).toBe(false);
  });

  it('closes the partition that just fetched, and opens the one that waited longest', () => {
    const budget = new ByteBudget(512 * KIB, 256 * KIB);
    budget.assign(['a', 'b', 'c'], 0); // a and b open, c waits
    expect(budget.took('a', 100 * KIB)).toEqual(['a']);
    expect(budget.finished(100 * KIB)).toEqual(['c']); // c waited longest: its turn before a
    expect(budget.finished(0)).toEqual([]);
  });

  it('with a bound below one fetch, one partition at a time fetches once nothing is held', () => {
    const budget = new ByteBudget(64 * KIB, 256 * KIB);
    expect(budget.assign(['a', 'b'], 0)).toEqual(['b']);
    expect(budget.took('a', 200 * KIB)).toEqual(['a']);
    expect(budget.finished(100 * KIB)).toEqual([]);
    expect(budget.finished(100 * KIB)).toEqual(['b']);
  });
});
