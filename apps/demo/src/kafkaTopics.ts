import { Kafka, logLevel } from 'kafkajs';

/**
 * The demo creates its stops' topics (a production deployment would provision them; the daemons
 * refuse to start when a topic is missing). Existing topics are left as they are.
 */
export async function ensureTopics(
  brokers: string,
  topics: readonly string[],
  partitions = 4,
): Promise<void> {
  const admin = new Kafka({
    brokers: brokers.split(','),
    clientId: 'switchyard-demo',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
}
