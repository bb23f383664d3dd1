import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ConsumerConfig, DaemonStatus } from '@switchyard/core';
import { liveness, readiness } from '../src/index.js';

const consumer = Object.assign(new ConsumerConfig(), { concurrency: 2 });

function status(fields: Partial<DaemonStatus>): DaemonStatus {
  return Object.assign(new DaemonStatus(), fields);
}

describe('liveness', () => {
  it('is live before the first poll', () => {
    expect(liveness(status({ lastPollAt: 0 }), consumer, 10, 1_000_000).ok).toBe(true);
  });

  it('is live when the last poll is recent', () => {
    expect(liveness(status({ lastPollAt: 995_000 }), consumer, 10, 1_000_000).ok).toBe(true);
  });

  it('is not live when it has room but has not polled for longer than stallSeconds', () => {
    const result = liveness(status({ lastPollAt: 980_000, inFlight: 1 }), consumer, 10, 1_000_000);
    expect(result).toMatchObject({ ok: false, body: { status: 'stalled', secondsSinceLastPoll: 20 } });
  });

  it('is live when every slot is busy, however long ago it polled', () => {
    expect(liveness(status({ lastPollAt: 1, inFlight: 2 }), consumer, 10, 1_000_000).ok).toBe(true);
  });
});

describe('readiness', () => {
  it('needs a connection, no draining, and passing checks; a throwing check fails, not the probe', async () => {
    const connected = status({ connected: true });
    expect((await readiness(connected, [])).ok).toBe(true);
    expect((await readiness(status({ connected: true, draining: true }), [])).ok).toBe(false);
    expect((await readiness(status({ connected: false }), [])).ok).toBe(false);
    const throwing = { name: 'cache', check: () => Promise.reject(new Error('timeout')) };
    expect(await readiness(connected, [throwing])).toMatchObject({
      ok: false,
      body: { checks: { cache: { ok: false, detail: 'timeout' } } },
    });
  });
});
