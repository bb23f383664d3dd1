import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../src/ByteBudget.js';

const KIB = 1024;

/**
 * A fake consumer over the budget: each fetch asks for every partition that is not paused and
 * brings up to `fetchBytes` of each one's remaining backlog; messages finish in random order.
 * Checks, as each fetch is sent, that what is held plus a whole fetch for every partition it asks
 * for stays within the bound; and that the backlog drains (no partition is left waiting for ever).
 */
function simulate(options: {
  partitions: number;
  maxBytes: number;
  fetchBytes: number;
  backlogBytes: number[];
  seed: number;
}): { worstBeforeFetch: number; peak: number; left: number[] } {
  let seed = options.seed;
  const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const ids = Array.from({ length: options.partitions }, (_, index) => `t/${index}`);
  const left = [...options.backlogBytes];
  const budget = new ByteBudget(options.maxBytes, options.fetchBytes);
  const paused = new Set(budget.assign(ids, 0));
  const held: number[] = []; // sizes of unfinished messages
  let worstBeforeFetch = 0;
  for (let step = 0; step < 200_000 && (left.some((bytes) => bytes > 0) || held.length > 0); step += 1) {
    if (held.length > 0 && random() < 0.9) {
      const [size] = held.splice(Math.floor(random() * held.length), 1);
      for (const opened of budget.finished(size!)) paused.delete(opened);
      continue;
    }
    const { pause, resume } = budget.fetchStarting();
    for (const id of pause) paused.add(id);
    for (const id of resume) paused.delete(id);
    const asked = ids.filter((id) => !paused.has(id));
    if (!(asked.length === 1 && budget.held === 0))
      worstBeforeFetch = Math.max(worstBeforeFetch, budget.held + asked.length * options.fetchBytes);
    for (const id of asked) {
      const index = ids.indexOf(id);
      let bytes = 0;
      while (left[index]! > 0 && bytes < options.fetchBytes - 2 * KIB) {
        const size = Math.min(left[index]!, 100 + Math.floor(random() * 1900));
        left[index]! -= size;
        held.push(size);
        bytes += size;
      }
      if (bytes > 0) for (const closed of budget.took(id, bytes)) paused.add(closed);
    }
  }
  return { worstBeforeFetch, peak: budget.peak, left };
}

describe('ByteBudget', () => {
  it('never lets the next fetch pass the bound, and drains every partition', () => {
    const maxBytes = 1024 * KIB;
    for (const seed of [1, 2, 3, 4, 5]) {
      // Uneven backlogs: some partitions catch up early and must give their room to the others.
      const backlogBytes = [0, 1, 2, 3, 4, 5, 6, 7].map((index) => (index % 3) * 3000 * KIB + 10 * KIB);
      const result = simulate({ partitions: 8, maxBytes, fetchBytes: 256 * KIB, backlogBytes, seed });
      expect(result.worstBeforeFetch).toBeLessThanOrEqual(maxBytes);
      expect(result.peak).toBeLessThanOrEqual(maxBytes);
      expect(result.left).toEqual(backlogBytes.map(() => 0));
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
