import type { Kafka } from 'kafkajs';

/** The group id, defaulted and checked against the `service.group` convention. */
export function resolveGroupId(groupId: string, pattern: string, daemonName: string): string {
  const resolved = groupId === '' ? `${daemonName}.consumer` : groupId;
  if (!new RegExp(pattern).test(resolved))
    throw new Error(
      `kafka group id "${resolved}" does not follow the naming convention /${pattern}/ (service.group); set kafka.groupId (--group-id)`,
    );
  return resolved;
}

/**
 * Before subscribing: every consumed topic must exist (a typo or the wrong cluster fails fast,
 * naming the topic); dead-letter topics are created when missing, with the source's partition count.
 */
export async function checkTopics(
  kafka: Kafka,
  topics: readonly string[],
  deadLetterTopicFor: (topic: string) => string,
): Promise<void> {
  if (topics.length === 0) throw new Error('no kafka topic to consume: set kafka.topics (--topic)');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0)
      throw new Error(`kafka topic ${missing.map((topic) => `"${topic}"`).join(', ')} does not exist`);
    const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
    const toCreate = new Map<string, number>();
    for (const { name, partitions } of metadata.topics) {
      const deadLetterTopic = deadLetterTopicFor(name);
      if (!existing.has(deadLetterTopic))
        toCreate.set(deadLetterTopic, Math.max(toCreate.get(deadLetterTopic) ?? 1, partitions.length));
    }
    if (toCreate.size > 0)
      await admin.createTopics({
        topics: [...toCreate].map(([topic, numPartitions]) => ({ topic, numPartitions })),
        waitForLeaders: true,
      });
  } finally {
    await admin.disconnect();
  }
}
