import { kafkaFailure, topicOffsets, checkTopic, type OpsKafka } from './opsKafka.js';

/** One partition's position for a group: committed (null: never committed), end, and the lag. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly committed: number | null;
  readonly end: number;
  /** end − committed; never committed: end − the partition's start (everything is unread). */
  readonly lag: number;
}

/**
 * The group's lag per partition of `topics` (default: every topic it has committed offsets for).
 * A group that does not exist, or has never committed and no topic is named, fails naming it.
 */
export async function groupLag(
  ops: OpsKafka,
  groupId: string,
  topics: readonly string[],
): Promise<PartitionLag[]> {
  for (const topic of topics) await checkTopic(ops, topic);
  let committed;
  try {
    committed = await ops.admin.fetchOffsets(
      topics.length > 0 ? { groupId, topics: [...topics] } : { groupId },
    );
  } catch (error) {
    throw kafkaFailure(error, ops.brokers);
  }
  if (topics.length === 0 && committed.length === 0)
    throw new Error(
      `consumer group ${groupId} has no committed offsets on ${ops.brokers} (does it exist?); check --group or name a --topic`,
    );
  const rows: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const ends = await topicOffsets(ops, topic);
    for (const [partition, { low, high }] of [...ends].sort(([a], [b]) => a - b)) {
      const found = partitions.find((entry) => entry.partition === partition);
      const offset = found === undefined ? -1 : Number(found.offset);
      const start = offset < 0 ? low : offset;
      rows.push({
        topic,
        partition,
        committed: offset < 0 ? null : offset,
        end: high,
        lag: Math.max(0, high - start),
      });
    }
  }
  return rows;
}
