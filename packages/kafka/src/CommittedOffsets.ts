import type { Admin, Kafka } from 'kafkajs';
import type { TopicPartition } from './ConsumerSession.js';

export type Committed = Map<string, { offset: number; metadata: string | null }>;

/**
 * The group's committed offsets with their metadata. kafkajs's consumer reads the committed
 * offsets but drops their metadata, so this asks through an admin client (connected on first use,
 * kept until `close`).
 */
export class CommittedOffsets {
  #admin: Promise<Admin> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
  ) {}

  /** By `topic/partition`. */
  async read(partitions: readonly TopicPartition[]): Promise<Committed> {
    const committed: Committed = new Map();
    const topics = [...new Set(partitions.map(({ topic }) => topic))];
    if (topics.length === 0) return committed;
    this.#admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    const admin = await this.#admin.catch((error: unknown) => {
      this.#admin = undefined;
      throw error;
    });
    for (const { topic, partitions: found } of await admin.fetchOffsets({ groupId: this.groupId, topics }))
      for (const { partition, offset, metadata } of found)
        committed.set(`${topic}/${partition}`, { offset: Number(offset), metadata });
    return committed;
  }

  async close(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.then((client) => client.disconnect()).catch(() => undefined);
  }
}
