import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RpcErrorCodes, rpcError } from '../errors.js';
import type { Claim, IdempotencyStore, StoredAnswer } from './IdempotencyStore.js';

/** Extends the claim only while it is still this daemon's (its value names the token). */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

const running = (token: string): string => JSON.stringify({ kind: 'running', token });

/**
 * The idempotency store shared by every daemon serving an API: one Redis key per call, claimed with
 * `SET NX PX` (atomic, so two daemons receiving the same call run it once) and replaced by the answer.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Connects (ioredis is an optional peer dependency: loaded only when this store is configured). */
  static async connect(url: string, prefix: string): Promise<RedisIdempotencyStore> {
    let RedisClient: typeof Redis;
    try {
      ({ Redis: RedisClient } = await import('ioredis'));
    } catch {
      throw rpcError(
        RpcErrorCodes.USAGE,
        'rpc.idempotencyStore=redis needs the ioredis package: npm install ioredis',
      );
    }
    const redis = new RedisClient(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    // Errors reach the calls that need Redis; an idle reconnect must not crash the process.
    redis.on('error', () => undefined);
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw rpcError(
        RpcErrorCodes.USAGE,
        `rpc.redisUrl: cannot connect to Redis (${(error as Error).message}); check the URL and that Redis runs`,
      );
    }
    return new RedisIdempotencyStore(redis, prefix);
  }

  async claim(key: string, leaseMs: number): Promise<Claim> {
    const redisKey = this.prefix + key;
    // Twice at most: the key may expire between a refused SET and the GET.
    for (let round = 0; round < 2; round += 1) {
      const token = randomUUID();
      if ((await this.redis.set(redisKey, running(token), 'PX', leaseMs, 'NX')) === 'OK')
        return { kind: 'claimed', token };
      const value = await this.redis.get(redisKey);
      if (value === null) continue;
      const entry = JSON.parse(value) as { kind: string; answer?: StoredAnswer };
      if (entry.kind === 'answered' && entry.answer !== undefined)
        return { kind: 'answered', answer: entry.answer };
      return { kind: 'running' };
    }
    return { kind: 'running' };
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    const renewed = await this.redis.eval(RENEW, 1, this.prefix + key, running(token), String(leaseMs));
    return renewed === 1;
  }

  async answer(key: string, answer: StoredAnswer, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify({ kind: 'answered', answer }), 'PX', ttlMs);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
