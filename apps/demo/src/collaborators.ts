import { Redis } from 'ioredis';
import { ACCOUNTS, accountId, contactCache } from './demoData.js';

/** Account → e-mail, where the contactpoint stop looks addresses up. */
export abstract class ContactCache {
  abstract emailFor(account: string): Promise<string | undefined>;
  abstract close(): Promise<void>;
}

/** The embedded default: the demo's contact data in a map. */
export class InMemoryContactCache extends ContactCache {
  readonly #entries = contactCache();

  emailFor(account: string): Promise<string | undefined> {
    return Promise.resolve(this.#entries.get(account));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** `--redis-url`: the cache is a Redis server, keys `<prefix><account>`. */
export class RedisContactCache extends ContactCache {
  readonly #redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    super();
    // Fail fast when Redis is down rather than queueing lookups forever: the stop's handler then
    // fails, and the message is retried and finally dead-lettered, never dropped.
    this.#redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  }

  async connect(): Promise<void> {
    await this.#redis.connect();
  }

  async emailFor(account: string): Promise<string | undefined> {
    return (await this.#redis.get(`${this.prefix}${account}`)) ?? undefined;
  }

  /** Loads the demo's contact data, as an upstream system would have. */
  async seed(): Promise<void> {
    const entries = contactCache();
    const pipeline = this.#redis.pipeline();
    for (let index = 0; index < ACCOUNTS; index += 1) {
      const email = entries.get(accountId(index));
      if (email !== undefined) pipeline.set(`${this.prefix}${accountId(index)}`, email);
    }
    await pipeline.exec();
  }

  async close(): Promise<void> {
    await this.#redis.quit();
  }
}

/** Where the whitelist data file is; bound by the demo after it writes the file. */
export class WhitelistFile {
  constructor(readonly path: string) {}
}
