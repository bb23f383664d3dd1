import { describe, expect, it } from 'vitest';
import { KeyedScheduler } from '../src/daemon/KeyedScheduler.js';

interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Lets every pending promise callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A task that logs its start, waits for its gate, then logs its end. */
function task(log: string[], name: string, until: Gate): () => Promise<void> {
  return async () => {
    log.push(`start ${name}`);
    await until.opened;
    log.push(`end ${name}`);
  };
}

describe('KeyedScheduler: same key', () => {
  it('runs tasks one at a time, in submission order, even when earlier tasks are slower', async () => {
    const scheduler = new KeyedScheduler();
    const log: string[] = [];
    const gates = [gate(), gate(), gate()];
    gates.forEach((g, index) => scheduler.submit('customer-1', task(log, `#${index + 1}`, g)));

    // The later tasks are ready to finish first; they must still wait their turn.
    gates[2]!.open();
    gates[1]!.open();
    await settle();
    expect(log).toEqual(['start #1']);

    gates[0]!.open();
    await settle();
    expect(log).toEqual(['start #1', 'end #1', 'start #2', 'end #2', 'start #3', 'end #3']);
  });

  it('a failing task does not stop the next one', async () => {
    const scheduler = new KeyedScheduler();
    const log: string[] = [];
    scheduler.submit('k', () => Promise.reject(new Error('bug')));
    scheduler.submit('k', async () => {
      log.push('next ran');
    });
    await settle();
    expect(log).toEqual(['next ran']);
  });

  it('a key can be used again after its tasks finished', async () => {
    const scheduler = new KeyedScheduler();
    const log: string[] = [];
    scheduler.submit('k', async () => {
      log.push('first');
    });
    await settle();
    scheduler.submit('k', async () => {
      log.push('second');
    });
    await settle();
    expect(log).toEqual(['first', 'second']);
  });
});

describe('KeyedScheduler: different keys', () => {
  it('run concurrently: a blocked key does not hold up another', async () => {
    const scheduler = new KeyedScheduler();
    const log: string[] = [];
    const blocked = gate();
    const free = gate();
    free.open();
    scheduler.submit('a', task(log, 'a', blocked));
    scheduler.submit('b', task(log, 'b', free));
    await settle();
    expect(log).toEqual(['start a', 'start b', 'end b']);
    blocked.open();
    await settle();
    expect(log).toContain('end a');
  });

  it('tasks without a key run at once, not after each other', async () => {
    const scheduler = new KeyedScheduler();
    const log: string[] = [];
    const first = gate();
    const second = gate();
    scheduler.submit(undefined, task(log, '1', first));
    scheduler.submit(undefined, task(log, '2', second));
    await settle();
    expect(log).toEqual(['start 1', 'start 2']);
    second.open();
    await settle();
    expect(log).toEqual(['start 1', 'start 2', 'end 2']);
    first.open();
    await settle();
  });

  it('ordering within each key holds while keys interleave', async () => {
    const scheduler = new KeyedScheduler();
    const log: string[] = [];
    const gates = { a1: gate(), a2: gate(), b1: gate(), b2: gate() };
    scheduler.submit('a', task(log, 'a1', gates.a1));
    scheduler.submit('b', task(log, 'b1', gates.b1));
    scheduler.submit('a', task(log, 'a2', gates.a2));
    scheduler.submit('b', task(log, 'b2', gates.b2));
    await settle();
    expect(log).toEqual(['start a1', 'start b1']);

    gates.b1.open();
    await settle();
    expect(log).toEqual(['start a1', 'start b1', 'end b1', 'start b2']);

    gates.a2.open();
    gates.a1.open();
    gates.b2.open();
    await settle();
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log).toContain('end a2');
    expect(log).toContain('end b2');
  });
});

describe('KeyedScheduler.activeKeys', () => {
  it('counts keys with queued or running tasks, and drops them when done', async () => {
    const scheduler = new KeyedScheduler();
    expect(scheduler.activeKeys).toBe(0);
    const a = gate();
    const b = gate();
    scheduler.submit('a', () => a.opened);
    scheduler.submit('a', () => a.opened);
    scheduler.submit('b', () => b.opened);
    scheduler.submit(undefined, () => b.opened);
    expect(scheduler.activeKeys).toBe(2);

    a.open();
    await settle();
    expect(scheduler.activeKeys).toBe(1);

    b.open();
    await settle();
    expect(scheduler.activeKeys).toBe(0);
  });
});
