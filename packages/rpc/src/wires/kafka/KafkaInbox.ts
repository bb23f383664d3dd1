import type { Kafka } from 'kafkajs';
import type { Inbox } from '../../wire/RpcWire.js';
import type { TopicDirectory } from './TopicDirectory.js';

import type { WireLogger } from './kafkaLane.js';

export interface InboxOptions {
  readonly kafka: Kafka;
  readonly topics: TopicDirectory;
  /** The reply topic, also the consumer group's id: `rpc.reply.<clientId>`. */
  readonly topic: string;
  /** How long an idle fetch of replies waits at the broker (a reply ends the wait at once). */
  readonly maxWaitTimeMs: number;
  /** How long replies are kept, should the client die without deleting its topic. */
  readonly retentionMs: number;
  readonly logger: WireLogger;
}

/**
 * A client's reply channel on Kafka: a topic of its own with one partition, read from its start by
 * a consumer group of its own. Its only member is this client, so no rebalance of a serving group
 * moves it, and a serving daemon's restart leaves it untouched. Closing deletes topic and group.
 */
export async function openKafkaInbox(options: InboxOptions, onReply: (body: string) => void): Promise<Inbox> {
  const { kafka, topics, topic, logger } = options;
  await topics.ensure(topic, {
    numPartitions: 1,
    configEntries: [{ name: 'retention.ms', value: String(options.retentionMs) }],
  });
  const consumer = kafka.consumer({
    groupId: topic,
    maxWaitTimeInMs: options.maxWaitTimeMs,
    allowAutoTopicCreation: false,
    retry: { retries: 8 },
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  // Resolves once the group is joined: the first call's reply is read as soon as it lands.
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value !== null) onReply(message.value.toString('utf8'));
    },
  });
  let closed: Promise<void> | undefined;
  return {
    address: topic,
    close: () =>
      (closed ??= (async () => {
        await consumer.disconnect();
        // The topic first: a server replying after this finds it gone and drops the reply.
        await topics.delete(topic).catch((error: unknown) => {
          logger.warn({ err: error, topic }, 'could not delete the reply topic; delete it by hand');
        });
        const admin = await topics.admin();
        await admin.deleteGroups([topic]).catch((error: unknown) => {
          logger.warn({ err: error, group: topic }, 'could not delete the reply group; delete it by hand');
        });
      })()),
  };
}
