import { describe, expect, it } from 'vitest';
import { KeyOrderGuard } from '../src/daemon/KeyOrderGuard.js';

describe('KeyOrderGuard', () => {
  it('releases the messages of a key held when one of them was nacked, and only of that key', () => {
    const guard = new KeyOrderGuard();
    const first = guard.hold('a');
    const second = guard.hold('a');
    const other = guard.hold('b');
    guard.nacked('a');
    expect(guard.mustRelease('a', first)).toBe(true);
    expect(guard.mustRelease('a', second)).toBe(true);
    expect(guard.mustRelease('b', other)).toBe(false);
  });

  it('lets later receipts of the key (the redeliveries) run', () => {
    const guard = new KeyOrderGuard();
    guard.hold('a');
    guard.nacked('a');
    const redelivery = guard.hold('a');
    expect(guard.mustRelease('a', redelivery)).toBe(false);
  });

  it('forgets a key once none of its messages is held', () => {
    const guard = new KeyOrderGuard();
    const first = guard.hold('a');
    guard.nacked('a');
    guard.done('a');
    expect(guard.mustRelease('a', first)).toBe(false);
  });
});
