import type { Admin, ITopicConfig, Kafka } from 'kafkajs';

/** Settings of a topic the wire creates. */
export interface TopicSpec {
  readonly numPartitions: number;
  readonly configEntries?: ITopicConfig['configEntries'];
}

/**
 * Which topics exist, as of the broker's topic list read at most `ttlMs` ago: a topic seen in that
 * time counts as existing without a round trip; anything else reads the list again (one metadata
 * request, single-flight). Used for `served` (does `rpc.<api>` exist?) and for replies (does the
 * caller's reply topic still exist?). Also creates and deletes the wire's topics.
 */
export class TopicDirectory {
  readonly #admin: Admin;
  #connected: Promise<void> | undefined;
  /** Topic → when the broker last listed it. */
  readonly #seen = new Map<string, number>();
  #listing: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly ttlMs: number,
  ) {
    this.#admin = kafka.admin();
  }

  /** The connected admin client, for the group operations of the wire. */
  async admin(): Promise<Admin> {
    this.#connected ??= this.#admin.connect().catch((error: unknown) => {
      this.#connected = undefined;
      throw error;
    });
    await this.#connected;
    return this.#admin;
  }

  /** Whether `topic` exists: from the list if seen within the TTL, else after reading it again. */
  async exists(topic: string): Promise<boolean> {
    const seenAt = this.#seen.get(topic);
    if (seenAt !== undefined && Date.now() - seenAt < this.ttlMs) return true;
    await this.refresh();
    return this.#seen.has(topic);
  }

  /** Reads the broker's topic list now (joining a read already under way). */
  refresh(): Promise<void> {
    this.#listing ??= (async () => {
      try {
        const topics = await (await this.admin()).listTopics();
        const now = Date.now();
        this.#seen.clear();
        for (const topic of topics) this.#seen.set(topic, now);
      } finally {
        this.#listing = undefined;
      }
    })();
    return this.#listing;
  }

  /** Creates `topic` unless it exists (another process may create it at the same time). */
  async ensure(topic: string, spec: TopicSpec): Promise<void> {
    if (await this.exists(topic)) return;
    await (
      await this.admin()
    ).createTopics({
      topics: [{ topic, numPartitions: spec.numPartitions, configEntries: spec.configEntries ?? [] }],
      waitForLeaders: true,
    });
    this.#seen.set(topic, Date.now());
  }

  /** Deletes `topic` (and forgets it at once, so replies to it stop). */
  async delete(topic: string): Promise<void> {
    this.#seen.delete(topic);
    await (await this.admin()).deleteTopics({ topics: [topic] });
  }

  async close(): Promise<void> {
    if (this.#connected === undefined) return;
    this.#connected = undefined;
    await this.#admin.disconnect();
  }
}
