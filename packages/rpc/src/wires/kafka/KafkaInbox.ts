import type { Consumer, Kafka } from 'kafkajs';
import type { Inbox } from '../../wire/RpcWire.js';
import { isUnknownTopic } from './kafkaErrors.js';
import type { WireLogger } from './kafkaLane.js';
import { OrphanReplySweeper } from './OrphanReplySweeper.js';
import { removeGroupUnlessJoined } from './replyTopics.js';
import type { TopicDirectory } from './TopicDirectory.js';

export interface InboxOptions {
  readonly kafka: Kafka;
  readonly topics: TopicDirectory;
  /** The reply topic, also the consumer group's id: `rpc.reply.<clientId>`. */
  readonly topic: string;
  /** How long an idle fetch of replies waits at the broker (a reply ends the wait at once). */
  readonly maxWaitTimeMs: number;
  /** How long replies are kept, should the client die without deleting its topic. */
  readonly retentionMs: number;
  /** The group session of the reply consumer (the `kafka` section's): how soon a killed client's group is empty. */
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /**
   * How long the reply group of another client must be seen without members before its topic and
   * group are removed (see OrphanReplySweeper); 0: never.
   */
  readonly orphanGraceMs: number;
  readonly logger: WireLogger;
}

/**
 * A client's reply channel on Kafka: a topic of its own with one partition, read from its start by
 * a consumer group of its own. Its only member is this client, so no rebalance of a serving group
 * moves it, and a serving daemon's restart leaves it untouched. Closing deletes topic and group;
 * while it is open, the reply topics and groups of clients that died without closing are removed
 * once their groups have had no member for the grace.
 */
export async function openKafkaInbox(options: InboxOptions, onReply: (body: string) => void): Promise<Inbox> {
  const { kafka, topic } = options;
  await ensureReplyTopic(options);
  const consumer = kafka.consumer({
    groupId: topic,
    maxWaitTimeInMs: options.maxWaitTimeMs,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: options.heartbeatIntervalMs,
    allowAutoTopicCreation: false,
    retry: { retries: 8 },
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    // Resolves once the group is joined: the first call's reply is read as soon as it lands.
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value !== null) onReply(message.value.toString('utf8'));
      },
    });
  } catch (error) {
    // A bus that could not open leaves no reply topic behind (if the broker lets it delete it).
    await removeInbox(options, consumer).catch(() => undefined);
    throw error;
  }
  let closed: Promise<void> | undefined;
  const restoreOnce = singleFlight(() => restoreReplyTopic(options));
  // Its topic deleted under it (by hand, or by a sweep after this client had no member for the
  // grace: a process paused that long), the consumer crashes and kafkajs restarts it until the
  // topic is back: create it again, so calls are answered again.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (closed === undefined && isUnknownTopic(payload.error)) void restoreOnce();
  });
  // Joined first: its own group has a member before any sweep looks.
  const sweeper =
    options.orphanGraceMs > 0
      ? new OrphanReplySweeper({
          kafka,
          ownTopic: topic,
          graceMs: options.orphanGraceMs,
          logger: options.logger,
        })
      : undefined;
  sweeper?.start();
  return {
    address: topic,
    close: () =>
      (closed ??= (async () => {
        sweeper?.stop();
        await removeInbox(options, consumer);
      })()),
  };
}

function ensureReplyTopic({ topics, topic, retentionMs }: InboxOptions): Promise<void> {
  return topics.ensure(topic, {
    numPartitions: 1,
    configEntries: [{ name: 'retention.ms', value: String(retentionMs) }],
  });
}

/** Creates the reply topic again if the broker says it is gone; a failure is logged (the next crash tries again). */
async function restoreReplyTopic(options: InboxOptions): Promise<void> {
  const { topics, topic, logger } = options;
  try {
    await topics.refresh();
    if (await topics.exists(topic)) return;
    await ensureReplyTopic(options);
    logger.warn(
      { topic },
      'the reply topic of this open client was deleted under it; created it again (replies sent meanwhile are lost: those calls time out)',
    );
  } catch (error) {
    logger.warn(
      { err: error, topic },
      'the reply topic of this open client is gone and could not be created again',
    );
  }
}

/** `run` while no earlier run is under way; a call meanwhile joins it. */
function singleFlight(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= run().finally(() => (running = undefined)));
}

/** Leaves the group, then deletes the topic and the group (its offsets); a failure is logged. */
async function removeInbox({ topics, topic, logger }: InboxOptions, consumer: Consumer): Promise<void> {
  await consumer.disconnect();
  // The topic first: a server replying after this finds it gone and drops the reply.
  await topics.delete(topic).catch((error: unknown) => {
    logger.warn({ err: error, topic }, 'could not delete the reply topic; delete it by hand');
  });
  await removeGroupUnlessJoined(await topics.admin(), topic).catch((error: unknown) => {
    logger.warn({ err: error, group: topic }, 'could not delete the reply group; delete it by hand');
  });
}
