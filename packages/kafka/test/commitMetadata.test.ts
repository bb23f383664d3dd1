import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeProgress,
  DEFAULT_METADATA_MAX_BYTES,
  encodeProgress,
  type OffsetRanges,
} from '../src/commitMetadata.js';
import { PartitionState } from '../src/PartitionState.js';

/** Finished offsets (absolute) as ranges, for comparing with what decodes. */
function toRanges(offsets: Iterable<number>): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const offset of [...offsets].sort((a, b) => a - b)) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last[1] === offset) last[1] = offset + 1;
    else ranges.push([offset, offset + 1]);
  }
  return ranges;
}

function offsetsOf(ranges: OffsetRanges): Set<number> {
  const offsets = new Set<number>();
  for (const [from, to] of ranges) for (let offset = from; offset < to; offset += 1) offsets.add(offset);
  return offsets;
}

/** A random partition above a committed base: finished offsets and failure counts of unfinished ones. */
const progressArbitrary = fc
  .record({
    base: fc.oneof(fc.nat(1000), fc.constant(2 ** 52), fc.nat(2 ** 40)),
    window: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 30_000 })),
    density: fc.double({ min: 0, max: 1, noNaN: true }),
    clustered: fc.boolean(),
    failing: fc.array(fc.tuple(fc.nat(30_000), fc.integer({ min: 1, max: 1000 })), { maxLength: 30 }),
    seed: fc.integer(),
  })
  .map(({ base, window, density, clustered, failing, seed }) => {
    let random = seed >>> 0 || 1;
    const next = (): number => (random = (random * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
    const finished = new Set<number>();
    let inRun = false;
    for (let index = 1; index < window; index += 1) {
      // Clustered: long runs flip rarely; scattered: each offset on its own.
      inRun = clustered ? (next() < 0.02 ? !inRun : inRun) : next() < density;
      if (inRun) finished.add(base + index);
    }
    const failures = new Map<number, number>();
    for (const [index, count] of failing) {
      const offset = base + (index % window);
      if (!finished.has(offset)) failures.set(offset, count);
    }
    return { base, finished, failures };
  });

describe('commit metadata', () => {
  it('round-trips finished sets and failure counts when they fit', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(progressArbitrary, ({ base, finished, failures }) => {
        const encoded = encodeProgress(base, { finished: toRanges(finished), failures }, 1_000_000);
        expect(encoded.complete).toBe(true);
        if (finished.size === 0 && failures.size === 0) {
          expect(encoded.metadata).toBeNull();
          return;
        }
        const decoded = decodeProgress(base, encoded.metadata);
        expect(decoded).toBeDefined();
        expect(offsetsOf(decoded!.finished)).toEqual(finished);
        expect(decoded!.finished).toEqual(toRanges(finished));
        expect(new Map(decoded!.failures)).toEqual(failures);
      }),
      { numRuns: 150 },
    );
  });

  it(
    'never exceeds the limit it is given, and a cut keeps only what really finished',
    { timeout: 60_000 },
    () => {
      fc.assert(
        fc.property(progressArbitrary, fc.integer({ min: 0, max: 5000 }), (progress, limit) => {
          const { base, finished, failures } = progress;
          const encoded = encodeProgress(base, { finished: toRanges(finished), failures }, limit);
          expect(encoded.metadata?.length ?? 0).toBeLessThanOrEqual(limit);
          const decoded = decodeProgress(base, encoded.metadata) ?? {
            finished: [],
            failures: new Map<number, number>(),
          };
          // Soundness: nothing decodes as finished that was not, no count that was not counted.
          const kept = offsetsOf(decoded.finished);
          expect([...kept].filter((offset) => !finished.has(offset))).toEqual([]);
          expect([...decoded.failures].filter(([offset, count]) => failures.get(offset) !== count)).toEqual(
            [],
          );
          // What is kept is a prefix of the window: every finished offset below the highest kept one.
          const highest = [...kept].reduce((max, offset) => Math.max(max, offset), base);
          expect([...finished].filter((offset) => offset < highest && !kept.has(offset))).toEqual([]);
          if (encoded.complete) {
            expect(kept).toEqual(finished);
            expect(decoded.failures.size).toBe(failures.size);
          }
        }),
        { numRuns: 200 },
      );
    },
  );

  it('falls back to the part that fits when the map is too large (scattered finishes over 100k offsets)', () => {
    const finished = new Set<number>();
    for (let offset = 1; offset < 100_000; offset += 2) finished.add(offset);
    const encoded = encodeProgress(0, { finished: toRanges(finished), failures: new Map([[0, 3]]) }, 4096);
    expect(encoded.complete).toBe(false);
    expect(encoded.metadata!.length).toBeLessThanOrEqual(4096);
    const decoded = decodeProgress(0, encoded.metadata)!;
    expect(decoded.failures.get(0)).toBe(3);
    // A bitset of ~4 KB: some 24 000 offsets still covered.
    expect(decoded.finished[decoded.finished.length - 1]![1]).toBeGreaterThan(20_000);
  });

  it('holds one stuck offset followed by 50 000 finished ones in a few bytes', () => {
    const encoded = encodeProgress(
      7,
      { finished: [[8, 50_008]], failures: new Map([[7, 4]]) },
      DEFAULT_METADATA_MAX_BYTES,
    );
    expect(encoded).toMatchObject({ complete: true });
    expect(encoded.metadata!.length).toBeLessThan(16);
    expect(decodeProgress(7, encoded.metadata)).toEqual({
      finished: [[8, 50_008]],
      failures: new Map([[7, 4]]),
    });
  });

  it('ignores metadata it did not write, or cannot read (the offset alone then counts)', () => {
    for (const foreign of [
      null,
      '',
      'event-id-3',
      'eZQAAAAE',
      'S1x AAA',
      'S1r!!!',
      'S1b' + Buffer.from([0, 9, 1]).toString('base64'),
    ])
      expect(decodeProgress(0, foreign)).toBeUndefined();
    expect(encodeProgress(0, { finished: [], failures: new Map() }, 4096)).toEqual({
      metadata: null,
      complete: true,
    });
    expect(encodeProgress(0, { finished: [[1, 5]], failures: new Map() }, 3)).toEqual({
      metadata: null,
      complete: false,
    });
  });

  it('a partition restored from the metadata skips what finished and goes on counting failures', () => {
    const before = new PartitionState('t', 0, 1);
    for (let offset = 0; offset < 10; offset += 1) before.register(offset, 10);
    for (let offset = 5; offset < 10; offset += 1) before.finish(offset, 10);
    before.countFailure(2);
    before.countFailure(2);
    const commit = before.pendingCommit(DEFAULT_METADATA_MAX_BYTES)!;
    expect(commit.offset).toBe(0);

    const after = new PartitionState('t', 0, 2);
    after.restore(decodeProgress(commit.offset, commit.metadata));
    const fresh = Array.from({ length: 10 }, (_, offset) => after.register(offset, 10));
    expect(fresh).toEqual([...Array(5).fill('fresh'), ...Array(5).fill('finished')]);
    expect(after.attemptOf(2)).toBe(3);
    expect(after.attemptOf(3)).toBe(1);
    expect(after.tracker.watermark).toBe(0);
    // Restored but not yet fetched: still in the next commit, so a second crash skips them too.
    const partial = new PartitionState('t', 0, 3);
    partial.restore(decodeProgress(commit.offset, commit.metadata));
    partial.register(0, 10);
    const again = decodeProgress(0, partial.pendingCommit(DEFAULT_METADATA_MAX_BYTES)!.metadata)!;
    expect(again.finished).toEqual([[5, 10]]);
    expect(again.failures).toEqual(new Map([[2, 2]]));
  });
});
