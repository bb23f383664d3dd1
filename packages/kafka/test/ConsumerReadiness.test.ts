import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsumerReadiness, describeConsumerState } from '../src/ConsumerReadiness.js';

describe('ConsumerReadiness', () => {
  afterEach(() => vi.useRealTimers());

  it('is a value: connecting, ready after a join, down after a loss, silent without broker answers', () => {
    vi.useFakeTimers({ now: 0 });
    const readiness = new ConsumerReadiness(1000);
    expect(readiness.state).toEqual({ kind: 'connecting' });
    expect(describeConsumerState(readiness.state)).toBe('not connected yet');
    readiness.joined();
    expect(readiness.state).toEqual({ kind: 'ready' });
    expect(describeConsumerState(readiness.state)).toBeUndefined();
    vi.setSystemTime(1500);
    expect(readiness.state).toEqual({ kind: 'silent', silentMs: 1500 });
    expect(describeConsumerState(readiness.state)).toBe('no answer from the brokers for 1500 ms');
    readiness.contact();
    expect(readiness.state).toEqual({ kind: 'ready' });
    readiness.down('consumer stalled');
    // Down stays down however recent the last answer, until a restarted consumer joins.
    readiness.contact();
    expect(readiness.state).toEqual({ kind: 'down', reason: 'consumer stalled' });
    readiness.joined();
    expect(readiness.state.kind).toBe('ready');
  });
});
