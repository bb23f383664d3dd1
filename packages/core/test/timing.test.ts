import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FixedDelayTimers } from '../src/timing/FixedDelayTimers.js';
import { wait } from '../src/timing/wait.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('wait', () => {
  it('resolves after the time, and leaves no listener on the signal', async () => {
    const controller = new AbortController();
    for (let index = 0; index < 50; index += 1) {
      const waiting = wait(10, controller.signal);
      await vi.advanceTimersByTimeAsync(10);
      await waiting;
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('resolves at once when the signal aborts, and clears its timer', async () => {
    const controller = new AbortController();
    const waiting = wait(60_000, controller.signal);
    controller.abort();
    await waiting;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves at once for a signal already aborted', async () => {
    await wait(60_000, AbortSignal.abort());
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('FixedDelayTimers', () => {
  it('fires each item once, in the order scheduled, after the delay', () => {
    const fired: string[] = [];
    const timers = new FixedDelayTimers<string>(100, (item) => fired.push(item));
    timers.schedule('a');
    vi.advanceTimersByTime(40);
    timers.schedule('b');
    vi.advanceTimersByTime(59);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['a']);
    vi.advanceTimersByTime(40);
    expect(fired).toEqual(['a', 'b']);
    expect(timers.size).toBe(0);
  });

  it('uses one timer however many items wait', () => {
    const timers = new FixedDelayTimers<number>(100, () => undefined);
    for (let item = 0; item < 1000; item += 1) timers.schedule(item);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('never fires a cancelled item, and drops its timer when none is left', () => {
    const fired: string[] = [];
    const timers = new FixedDelayTimers<string>(100, (item) => fired.push(item));
    timers.schedule('a');
    timers.schedule('b');
    timers.cancel('a');
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(['b']);
    timers.schedule('c');
    timers.cancel('c');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rescheduling moves an item back by the full delay (a lease extended again)', () => {
    const fired: string[] = [];
    const timers = new FixedDelayTimers<string>(100, (item) => {
      fired.push(item);
      if (fired.length < 3) timers.schedule(item);
    });
    timers.schedule('lease');
    vi.advanceTimersByTime(100);
    vi.advanceTimersByTime(100);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(['lease', 'lease', 'lease']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
