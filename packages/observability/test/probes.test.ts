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
  const timeoutMs = 200;

  it('needs a connection, no draining, and passing checks; a throwing check fails, not the probe', async () => {
    const connected = status({ connected: true });
    expect((await readiness(connected, [], timeoutMs)).ok).toBe(true);
    expect((await readiness(status({ connected: true, draining: true }), [], timeoutMs)).ok).toBe(false);
    expect((await readiness(status({ connected: false }), [], timeoutMs)).ok).toBe(false);
    const throwing = { name: 'cache', check: () => Promise.reject(new Error('timeout')) };
    const throwingAtOnce = {
      name: 'queue',
      check: (): never => {
        throw new Error('no route');
      },
    };
    expect(await readiness(connected, [throwing, throwingAtOnce], timeoutMs)).toMatchObject({
      ok: false,
      body: { checks: { cache: { ok: false, detail: 'timeout' }, queue: { ok: false, detail: 'no route' } } },
    });
  });

  it('fails a check that does not answer in time, with that reason, and answers anyway', async () => {
    const hanging = { name: 'database', check: () => new Promise<never>(() => undefined) };
    const passing = { name: 'cache', check: () => ({ ok: true }) };
    const started = performance.now();
    const result = await readiness(status({ connected: true }), [hanging, passing], timeoutMs);
    expect(performance.now() - started).toBeLessThan(timeoutMs * 5);
    expect(result).toMatchObject({
      ok: false,
      body: {
        status: 'not ready',
        checks: { database: { ok: false, detail: 'no answer within 200 ms' }, cache: { ok: true } },
      },
    });
  });
});
