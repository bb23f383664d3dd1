import type { Admin, Kafka, MemberDescription } from 'kafkajs';
import type { TopicPartition } from './ConsumerSession.js';

export type Committed = Map<string, { offset: number; metadata: string | null }>;

/**
 * The session's admin requests about its group: the committed offsets with their metadata
 * (kafkajs's consumer reads the offsets but drops the metadata) and the group's members. One admin
 * client, connected on first use (`connect` may start it early), kept until `close`.
 */
export class GroupAdmin {
  #admin: Promise<Admin> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
  ) {}

  /** Connects now (a later request then pays no connect); failures surface on the next request. */
  connect(): void {
    void this.#client().catch(() => undefined);
  }

  /** Committed offsets and metadata, by `topic/partition`. */
  async readCommitted(partitions: readonly TopicPartition[]): Promise<Committed> {
    const committed: Committed = new Map();
    const topics = [...new Set(partitions.map(({ topic }) => topic))];
    if (topics.length === 0) return committed;
    const admin = await this.#client();
    for (const { topic, partitions: found } of await admin.fetchOffsets({ groupId: this.groupId, topics }))
      for (const { partition, offset, metadata } of found)
        committed.set(`${topic}/${partition}`, { offset: Number(offset), metadata });
    return committed;
  }

  /** The group's members as the coordinator knows them now (dead ones until their session expires). */
  async members(): Promise<MemberDescription[]> {
    const admin = await this.#client();
    const { groups } = await admin.describeGroups([this.groupId]);
    return groups.find(({ groupId }) => groupId === this.groupId)?.members ?? [];
  }

  async close(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.then((client) => client.disconnect()).catch(() => undefined);
  }

  #client(): Promise<Admin> {
    this.#admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.#admin.catch((error: unknown) => {
      this.#admin = undefined;
      throw error;
    });
  }
}
