import { MemoryIdempotencyStore } from '@switchyard/rpc';
import { describe, expect, it } from 'vitest';

describe('MemoryIdempotencyStore', () => {
  it('claims once, says running while claimed, answers after, and forgets after the ttl', async () => {
    let now = 1000;
    const store = new MemoryIdempotencyStore(10, () => now);
    const claim = await store.claim('a', 100);
    expect(claim.kind).toBe('claimed');
    expect(await store.claim('a', 100)).toEqual({ kind: 'running' });
    await store.answer('a', { result: { n: 1 } }, 500);
    expect(await store.claim('a', 100)).toEqual({ kind: 'answered', answer: { result: { n: 1 } } });
    now += 501;
    expect((await store.claim('a', 100)).kind).toBe('claimed');
  });

  it('a claim not renewed expires (its daemon crashed); renewing needs the claim token', async () => {
    let now = 0;
    const store = new MemoryIdempotencyStore(10, () => now);
    const claim = await store.claim('a', 100);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    expect(await store.renew('a', 'not the token', 100)).toBe(false);
    now = 90;
    expect(await store.renew('a', claim.token, 100)).toBe(true);
    now = 180;
    expect(await store.claim('a', 100)).toEqual({ kind: 'running' });
    now = 191;
    expect((await store.claim('a', 100)).kind).toBe('claimed');
    expect(await store.renew('a', claim.token, 100)).toBe(false);
  });

  it('keeps at most maxEntries, dropping the oldest first', async () => {
    const store = new MemoryIdempotencyStore(2);
    for (const key of ['a', 'b', 'c']) await store.answer(key, { result: { key } }, 60_000);
    expect((await store.claim('a', 100)).kind).toBe('claimed');
    expect((await store.claim('c', 100)).kind).toBe('answered');
  });
});
