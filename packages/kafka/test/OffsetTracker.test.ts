import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetTracker } from '../src/OffsetTracker.js';

describe('OffsetTracker', () => {
  it('commits only the contiguous finished prefix when offsets finish out of order', () => {
    const tracker = new OffsetTracker();
    for (const offset of [10, 11, 12, 13]) tracker.register(offset);
    expect(tracker.pendingCommit()).toBe(10);
    tracker.finish(12);
    tracker.finish(11);
    expect(tracker.watermark).toBe(10);
    tracker.finish(10);
    expect(tracker.watermark).toBe(13);
    tracker.finish(13);
    expect(tracker.watermark).toBe(14);
  });

  it('treats offsets the broker skipped (compaction, markers) as finished', () => {
    const tracker = new OffsetTracker();
    tracker.register(5);
    tracker.register(9);
    tracker.finish(5);
    expect(tracker.watermark).toBe(9);
    tracker.finish(9);
    expect(tracker.watermark).toBe(10);
  });

  it('ignores a re-fetch of offsets it already holds and reports only moved watermarks', () => {
    const tracker = new OffsetTracker();
    expect(tracker.register(0)).toBe(true);
    expect(tracker.register(0)).toBe(false);
    tracker.finish(0);
    expect(tracker.pendingCommit()).toBe(1);
    tracker.markCommitted(1);
    expect(tracker.pendingCommit()).toBeUndefined();
    expect(tracker.register(0)).toBe(false);
    expect(tracker.watermark).toBe(1);
  });

  it('never commits past an unfinished offset, whatever the completion order (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(500), { minLength: 1, maxLength: 80 }),
        fc.func(fc.nat()),
        (rawOffsets, order) => {
          const offsets = [...rawOffsets].sort((a, b) => a - b);
          const tracker = new OffsetTracker();
          for (const offset of offsets) tracker.register(offset);
          const finished = new Set<number>();
          const completion = [...offsets].sort((a, b) => order(a) - order(b) || a - b);
          for (const offset of completion) {
            tracker.finish(offset);
            finished.add(offset);
            const watermark = tracker.watermark!;
            // Sound: every registered offset below the watermark has finished.
            for (const registered of offsets)
              if (registered < watermark) expect(finished.has(registered)).toBe(true);
            // Tight: the watermark is the lowest unfinished offset (or one past the highest).
            const lowestUnfinished = offsets.find((item) => !finished.has(item));
            expect(watermark).toBe(lowestUnfinished ?? offsets[offsets.length - 1]! + 1);
          }
        },
      ),
    );
  });
});
