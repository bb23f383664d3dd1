import { describe, expect, it } from 'vitest';
import { REDACTED } from '../src/scrub/secretValues.js';
import {
  CIRCULAR,
  MAX_DEPTH,
  MAX_ENTRIES,
  scrubTree,
  TRUNCATED,
  UNREADABLE,
} from '../src/scrub/scrubTree.js';

describe('scrubTree is total', () => {
  it('marks cycles instead of recursing forever, and keeps shared (acyclic) objects', () => {
    const shared = { city: 'Oslo' };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;
    expect(scrubTree(cyclic, 'patterns')).toEqual({
      a: { city: 'Oslo' },
      b: { city: 'Oslo' },
      self: CIRCULAR,
    });
  });

  it('truncates below the depth limit', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < MAX_DEPTH + 5; level += 1) deep = { next: deep };
    const text = JSON.stringify(scrubTree(deep, 'patterns'));
    expect(text).toContain(TRUNCATED);
    expect(text).not.toContain('bottom');
  });

  it('keeps at most MAX_ENTRIES items of an array', () => {
    expect((scrubTree(new Array(MAX_ENTRIES + 10).fill(1), 'patterns') as unknown[]).length).toBe(
      MAX_ENTRIES,
    );
  });

  it('survives throwing getters, hostile proxies and exotic values', () => {
    const getter = Object.defineProperty({ ok: 1 }, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('ownKeys');
        },
      },
    );
    expect(
      scrubTree(
        {
          getter,
          hostile,
          fn: () => 1,
          sym: Symbol('s'),
          date: new Date(0),
          bad: new Date(NaN),
          error: new TypeError('for jane@example.com'),
        },
        'patterns',
      ),
    ).toEqual({
      getter: { ok: 1, boom: UNREADABLE },
      hostile: UNREADABLE,
      fn: '[function]',
      sym: '[symbol]',
      date: '1970-01-01T00:00:00.000Z',
      bad: UNREADABLE,
      error: { name: 'TypeError', message: `for ${REDACTED}` },
    });
  });

  it('keeps a "__proto__" key as data, never as a prototype', () => {
    const scrubbed = scrubTree(JSON.parse('{"__proto__": {"polluted": true}}'), 'patterns') as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(scrubbed)).toBe(Object.prototype);
    expect(Object.hasOwn(scrubbed, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
