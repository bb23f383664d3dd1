import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContainerModule,
  TOKENS,
  type Outcome,
  type Transport,
  type TransportMessage,
} from '@switchyard/core';
import { TestDaemon } from '@switchyard/core/testing';
import { HEALTH_CHECK, healthPlugin, type HealthCheck } from '../src/index.js';
import { Order, OrderBehaviour, OrderDaemon, sleep } from '../../core/test/support/fixtures.js';
import { freePort } from '../../../test/servers/freePort.js';
import { sample } from './support/prometheus.js';

class ObservedDaemon extends OrderDaemon {
  override readonly plugins = [healthPlugin];
}

let daemon: TestDaemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

async function start(
  options: { argv?: string[]; modules?: ContainerModule[] } = {},
): Promise<{ daemon: TestDaemon; url: string }> {
  const port = await freePort();
  daemon = await TestDaemon.start(new ObservedDaemon(), {
    argv: ['--healthcheck-port', String(port), '--set', 'health.host=127.0.0.1', ...(options.argv ?? [])],
    modules: options.modules,
  });
  return { daemon, url: `http://127.0.0.1:${port}` };
}

async function get(url: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal });
  return { status: response.status, body: await response.text() };
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 200 && !(await condition()); tries += 1) await sleep(25);
}

/** Publishes one order whose handler blocks until `release()`; resolves once it is in flight. */
async function holdOne(daemon: TestDaemon): Promise<{ release: () => void; outcome: Promise<Outcome> }> {
  let release!: () => void;
  daemon.running.container.get(OrderBehaviour).run = () =>
    new Promise<void>((resolve) => (release = resolve));
  const outcome = daemon.publishAndWait(Order, { id: 'held', quantity: 1 });
  await until(async () => daemon.running.status.inFlight === 1);
  return { release, outcome };
}

describe('health endpoints', () => {
  it('answers live and ready while consuming', async () => {
    const { url } = await start();
    await until(async () => (await get(`${url}/health/ready`)).status === 200);
    const live = await get(`${url}/health/live`);
    expect(live.status).toBe(200);
    expect(JSON.parse(live.body)).toMatchObject({ status: 'ok', busy: false });
    expect(JSON.parse((await get(`${url}/health/ready`)).body)).toMatchObject({
      status: 'ready',
      connected: true,
      draining: false,
    });
  });

  it('is not ready while a bound health check fails, and says which', async () => {
    const failing: HealthCheck = {
      name: 'database',
      check: () => ({ ok: false, detail: 'connection refused' }),
    };
    const module = new ContainerModule(({ bind }) => {
      bind(HEALTH_CHECK).toConstantValue(failing);
    });
    const { url } = await start({ modules: [module] });
    await sleep(100);
    const ready = await get(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({
      checks: { database: { ok: false, detail: 'connection refused' } },
    });
  });

  it('stays live while a long handler holds every slot (busy is not dead)', async () => {
    const { daemon, url } = await start({ argv: ['--concurrency', '1', '--set', 'health.stallSeconds=1'] });
    const { release, outcome } = await holdOne(daemon);
    await sleep(1600);
    const live = await get(`${url}/health/live`);
    expect(live.status).toBe(200);
    expect(JSON.parse(live.body)).toMatchObject({ busy: true });
    release();
    expect((await outcome).kind).toBe('succeeded');
  });

  it('is not ready while a stop drains an in-flight handler, and stays live', async () => {
    const { daemon, url } = await start();
    await until(async () => (await get(`${url}/health/ready`)).status === 200);
    const { release, outcome } = await holdOne(daemon);
    const stopping = daemon.stop();
    await until(async () => (await get(`${url}/health/ready`)).status === 503);
    const ready = await get(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'not ready', connected: true, draining: true });
    const live = await get(`${url}/health/live`);
    expect(live.status).toBe(200);
    expect(JSON.parse(live.body)).toMatchObject({ status: 'ok', inFlight: 1 });
    release();
    expect((await outcome).kind).toBe('succeeded');
    await stopping;
  });

  it('fails a bound check that hangs after health.checkTimeoutMs, with the reason, instead of hanging', async () => {
    const hanging: HealthCheck = { name: 'database', check: () => new Promise<never>(() => undefined) };
    const module = new ContainerModule(({ bind }) => {
      bind(HEALTH_CHECK).toConstantValue(hanging);
    });
    const { url } = await start({ argv: ['--set', 'health.checkTimeoutMs=200'], modules: [module] });
    const ready = await get(`${url}/health/ready`, AbortSignal.timeout(2000));
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({
      status: 'not ready',
      checks: { database: { ok: false, detail: 'no answer within 200 ms' } },
    });
  });

  it('reports a stalled consumer (a receive that never returns) as not live', async () => {
    const hanging: Transport = {
      name: 'hanging',
      receive: (_max: number, signal: AbortSignal) =>
        new Promise<TransportMessage[]>((resolve) => signal.addEventListener('abort', () => resolve([]))),
      ack: async () => undefined,
      nack: async () => undefined,
      extend: async () => undefined,
      deadLetter: async () => undefined,
      close: async () => undefined,
    };
    let first = true;
    const stallsAfterOnePoll: Transport = {
      ...hanging,
      receive: (max, signal) =>
        first ? ((first = false), Promise.resolve([])) : hanging.receive(max, signal),
    };
    const module = new ContainerModule(({ rebind }) => {
      rebind(TOKENS.Transport).toConstantValue(stallsAfterOnePoll);
    });
    const { url } = await start({ argv: ['--set', 'health.stallSeconds=1'], modules: [module] });
    await until(async () => (await get(`${url}/health/live`)).status === 503);
    const live = await get(`${url}/health/live`);
    expect(live.status).toBe(503);
    expect(JSON.parse(live.body)).toMatchObject({ status: 'stalled', busy: false });
  });

  it('is not ready while the transport fails, and ready again once it recovers', async () => {
    let failing = true;
    const flaky: Transport = {
      name: 'flaky',
      receive: async () => {
        await sleep(20);
        if (failing) throw new Error('connection refused');
        return [];
      },
      ack: async () => undefined,
      nack: async () => undefined,
      extend: async () => undefined,
      deadLetter: async () => undefined,
      close: async () => undefined,
    };
    const module = new ContainerModule(({ rebind }) => {
      rebind(TOKENS.Transport).toConstantValue(flaky);
    });
    const { url } = await start({ modules: [module] });
    await until(async () => (await get(`${url}/health/ready`)).body.includes('connection refused'));
    expect((await get(`${url}/health/ready`)).status).toBe(503);
    expect(JSON.parse((await get(`${url}/health/ready`)).body)).toMatchObject({
      connected: false,
      lastError: 'connection refused',
    });
    failing = false;
    await until(async () => (await get(`${url}/health/ready`)).status === 200);
    expect((await get(`${url}/health/ready`)).status).toBe(200);
  });
});

describe('metrics endpoint', () => {
  it('counts outcomes by media type, times handling, and never labels unknown media types', async () => {
    const { daemon, url } = await start({ argv: ['--set', 'consumer.maxAttempts=1'] });
    await daemon.publishAndWait(Order, { id: 'a', quantity: 1 });
    await daemon.sendRawAndWait(JSON.stringify({ mediaType: 'application/vnd.garbage.x1', id: 1 }));
    await daemon.sendRawAndWait('not json');
    const { status, body } = await get(`${url}/metrics`);
    expect(status).toBe(200);
    expect(body).toContain(
      'switchyard_messages_total{outcome="succeeded",media_type="application/vnd.test.order"} 1',
    );
    expect(body).toContain('switchyard_messages_total{outcome="ignored",media_type="unknown"} 1');
    expect(body).toContain('switchyard_dead_letters_total{media_type="unknown"} 1');
    expect(body).toMatch(
      /switchyard_handling_duration_seconds_count\{media_type="application\/vnd.test.order",outcome="succeeded"\} 1/,
    );
    // Three messages received, in at least one batch: the sizes add up to them.
    expect(sample(body, 'switchyard_receive_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'switchyard_receive_batch_size_sum')).toBe(3);
    expect(sample(body, 'switchyard_messages_in_flight')).toBe(0);
    expect(body).toMatch(/switchyard_message_age_seconds_count [1-9]/);
    expect(body).not.toContain('switchyard_consumer_lag_messages'); // the in-memory bus has no partitions
    expect(body).not.toContain('vnd.garbage');
  });

  it('shows a handler that blocks in the in-flight gauge', async () => {
    const { daemon, url } = await start();
    const { release, outcome } = await holdOne(daemon);
    expect(sample((await get(`${url}/metrics`)).body, 'switchyard_messages_in_flight')).toBe(1);
    release();
    await outcome;
    expect(sample((await get(`${url}/metrics`)).body, 'switchyard_messages_in_flight')).toBe(0);
  });

  it('stops serving once the daemon has stopped', async () => {
    const { daemon, url } = await start();
    await daemon.stop();
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});
