import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useRedis, type RedisServer } from '../servers/redis.js';
import { countsOf, runBuiltApp } from '../support/runBuiltApp.js';

let redis: RedisServer | undefined;
beforeAll(async () => {
  redis = await useRedis('demo with Redis');
});
afterAll(() => redis?.stop());

const account = (index: number): string => `ACC-${String(index).padStart(6, '0')}`;

describe('the demo with --redis-url (a real Redis server)', () => {
  it('contactpoint looks contacts up in Redis: only the accounts present there get through', async (context) => {
    if (redis === undefined) return context.skip(); // useRedis said why, loudly (never in CI)
    const prefix = `switchyard-test:${process.pid}:${Date.now()}:`;
    const client = new Redis(redis.url);
    // A contact set unlike the demo's own: only even accounts have an address.
    for (let index = 0; index < 1000; index += 2)
      await client.set(`${prefix}${account(index)}`, `customer${index}@example.test`);
    const result = await runBuiltApp('demo', [
      '--redis-url',
      redis.url,
      '--redis-prefix',
      prefix,
      '--no-seed-cache',
      '--count',
      '200',
    ]);
    await client.quit();
    expect(result.code, result.stderr).toBe(0);
    const demo = countsOf(result.stdout, 'demo summary:');
    // The pusher walks accounts (n · 7919) mod 1000; the whitelist drops addresses of accounts ≡ 0 (mod 4).
    const indices = Array.from({ length: 200 }, (_, pushed) => (pushed * 7919) % 1000);
    const withContact = indices.filter((index) => index % 2 === 0);
    expect(demo['dropped@contactpoint']).toBe(200 - withContact.length);
    expect(demo['dropped@whitelist']).toBe(withContact.filter((index) => index % 4 === 0).length);
    expect(demo.logged).toBe(withContact.filter((index) => index % 4 !== 0).length);
  });
});
