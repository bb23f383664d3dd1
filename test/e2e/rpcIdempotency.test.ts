import { randomUUID } from 'node:crypto';
import { MemoryBroker, type RunningDaemon } from '@switchyard/core';
import { ApiDaemon, createBus, memoryWire, type ApiClass, type Bus } from '@switchyard/rpc';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisIdempotencyStore } from '../../packages/rpc/src/idempotency/RedisIdempotencyStore.js';
import { startOn } from '../../packages/rpc/test/support.js';
import { useRedis, type RedisServer } from '../servers/redis.js';
import { exampleApis } from '../support/rpcFixtures.js';

// Idempotent calls with the Redis store, on a real Redis (the machine's, else one started here):
// the claim is atomic across daemons, a crashed daemon's claim expires, and config errors are named.
let redis: RedisServer | undefined;

beforeAll(async () => {
  redis = await useRedis('rpc idempotency with Redis');
});
afterAll(() => redis?.stop());

const serving = (apiClass: ApiClass): ApiDaemon =>
  new (class ExampleDaemon extends ApiDaemon {
    readonly name = 'example';
    override readonly apis = [apiClass];
  })();

describe('RedisIdempotencyStore', () => {
  let store: RedisIdempotencyStore;
  let prefix: string;

  beforeEach(async (context) => {
    if (redis === undefined) return context.skip(); // useRedis said why, loudly (never in CI)
    prefix = `switchyard-test:${randomUUID()}:`;
    store = await RedisIdempotencyStore.connect(redis.url, prefix);
  });
  afterEach(() => store?.close());

  it('twenty daemons claiming one call at once: exactly one runs it', async () => {
    const claims = await Promise.all(Array.from({ length: 20 }, () => store.claim('example.tally:k1', 5000)));
    expect(claims.filter((claim) => claim.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((claim) => claim.kind === 'running')).toHaveLength(19);
  });

  it('an answer replaces the claim; a claim that is not renewed expires and the call may run again', async () => {
    const claim = await store.claim('example.tally:k2', 300);
    expect(claim.kind).toBe('claimed');
    expect(await store.renew('example.tally:k2', 'someone else', 300)).toBe(false);
    // The daemon holding it "crashed": nobody renews, so after the lease another may claim it.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const retried = await store.claim('example.tally:k2', 5000);
    expect(retried.kind).toBe('claimed');
    if (retried.kind !== 'claimed') return;
    expect(await store.renew('example.tally:k2', retried.token, 5000)).toBe(true);
    await store.answer('example.tally:k2', { result: { greeting: 'run 1' } }, 60_000);
    expect(await store.claim('example.tally:k2', 5000)).toEqual({
      kind: 'answered',
      answer: { result: { greeting: 'run 1' } },
    });
  });
});

describe('idempotent calls served by two daemons sharing a Redis store', () => {
  const daemons: RunningDaemon[] = [];
  let bus: Bus | undefined;
  afterEach(async () => {
    await bus?.close();
    await Promise.all(daemons.splice(0).map((running) => running.stop()));
  });

  it('copies of a call reaching either daemon run it once', async (context) => {
    if (redis === undefined) return context.skip();
    const broker = new MemoryBroker();
    const apis = exampleApis(`idem${randomUUID().slice(0, 8)}`);
    const argv = [
      '--set',
      'rpc.idempotencyStore=redis',
      '--set',
      `rpc.redisUrl=${redis.url}`,
      '--set',
      `rpc.redisKeyPrefix=switchyard-test:${randomUUID()}:`,
    ];
    const first = await startOn(broker, serving(apis.ExampleApi), argv);
    const second = await startOn(broker, serving(apis.ExampleApi), argv);
    daemons.push(first, second);
    bus = await createBus({ wire: memoryWire(broker, 20), resendIntervalMs: 50 });
    apis.served.closeGate();
    const answer = bus.api(apis.ExampleApi).tally({}, { deadlineMs: 20_000 });
    // Both daemons take copies while the first run holds the claim in Redis (the one not running
    // it would run its copy with a store of its own).
    await expect
      .poll(() => Math.min(first.counter.get('skipped'), second.counter.get('skipped')))
      .toBeGreaterThanOrEqual(1);
    apis.served.release();
    expect(await answer).toEqual({ greeting: 'run 1' });
    expect(apis.served.tallied).toBe(1);
  });

  it('rpc.idempotencyStore=redis without rpc.redisUrl stops the start, naming the key', async () => {
    const apis = exampleApis(`idem${randomUUID().slice(0, 8)}`);
    await expect(
      startOn(new MemoryBroker(), serving(apis.ExampleApi), ['--set', 'rpc.idempotencyStore=redis']),
    ).rejects.toThrow('rpc.redisUrl is required when rpc.idempotencyStore is redis');
  });

  it('rpc.kafkaReplyOrphanGraceMs below 1000 (and not 0) stops the start, naming the key and what it takes', async () => {
    const apis = exampleApis(`idem${randomUUID().slice(0, 8)}`);
    await expect(
      startOn(new MemoryBroker(), serving(apis.ExampleApi), ['--set', 'rpc.kafkaReplyOrphanGraceMs=500']),
    ).rejects.toThrow('rpc.kafkaReplyOrphanGraceMs must be 0 (never) or whole milliseconds of at least 1000');
    const running = await startOn(new MemoryBroker(), serving(apis.ExampleApi), [
      ...['--set', 'rpc.kafkaReplyOrphanGraceMs=0'],
    ]);
    await running.stop();
  });

  it('a Redis that does not answer stops the start with the URL key and the fix', async () => {
    const apis = exampleApis(`idem${randomUUID().slice(0, 8)}`);
    await expect(
      startOn(new MemoryBroker(), serving(apis.ExampleApi), [
        '--set',
        'rpc.idempotencyStore=redis',
        '--set',
        'rpc.redisUrl=redis://127.0.0.1:1',
      ]),
    ).rejects.toThrow(/rpc\.redisUrl: cannot connect to Redis .*check the URL and that Redis runs/);
  });
});
