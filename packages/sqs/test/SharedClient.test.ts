import { describe, expect, it } from 'vitest';
import { CallsInFlight } from '../src/CallsInFlight.js';
import { SharedClient } from '../src/SharedClient.js';

describe('SharedClient', () => {
  it('destroys the client once, when the last user lets go', () => {
    let destroyed = 0;
    const shared = new SharedClient({ destroy: () => (destroyed += 1) });
    const transport = shared.use();
    const producer = shared.use();
    transport();
    transport();
    expect(destroyed).toBe(0);
    producer();
    expect(destroyed).toBe(1);
  });
});

describe('CallsInFlight', () => {
  it('waits for the calls running now, failed ones included', async () => {
    const calls = new CallsInFlight();
    const order: string[] = [];
    void calls.track(new Promise((resolve) => setTimeout(() => resolve(order.push('sent')), 50)));
    calls.track(Promise.reject(new Error('refused'))).catch(() => undefined);
    await calls.settled(5000);
    order.push('closed');
    expect(order).toEqual(['sent', 'closed']);
  });

  it('stops waiting after the timeout when a call never ends', async () => {
    const calls = new CallsInFlight();
    void calls.track(new Promise(() => undefined));
    // Unbounded, this would never resolve and the test would time out.
    await expect(calls.settled(100)).resolves.toBeUndefined();
  });
});
