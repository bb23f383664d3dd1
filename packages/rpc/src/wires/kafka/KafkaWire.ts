import { MEDIA_TYPE_HEADER, type KafkaConfig, type KafkaProducer } from '@switchyard/kafka';
import type { Admin, Kafka } from 'kafkajs';
import { RpcErrorCodes, rpcError } from '../../errors.js';
import { wireAddresses } from '../../wire/addresses.js';
import { RpcRequest } from '../../wire/RpcRequest.js';
import type { Inbox, RpcWire } from '../../wire/RpcWire.js';
import { CallSender } from './CallSender.js';
import { openKafkaInbox } from './KafkaInbox.js';
import { laneTransport, type WireLogger } from './kafkaLane.js';
import { ReplySender } from './ReplySender.js';
import { TopicDirectory } from './TopicDirectory.js';

export interface KafkaWireParts {
  readonly kafka: Kafka;
  /** The `kafka` section lanes' consumers are configured from (the daemon's, or defaults). */
  readonly config: KafkaConfig;
  /** Writes the lanes' dead letters (calls, events and replies have producers of their own). */
  readonly producer: KafkaProducer;
  /** Whether `close` disconnects the producer (not the daemon's: core closes that one). */
  readonly ownsProducer: boolean;
  readonly logger: WireLogger;
  /** Partitions of the request and event topics the wire creates (at most this many servers share an API's calls). */
  readonly partitions: number;
  /** How long a topic seen on the broker counts as existing without asking again (served, replies). */
  readonly topicTtlMs: number;
  /** How long a reply fetch waits when idle (a reply ends the wait at once). */
  readonly replyMaxWaitMs: number;
  /** Retention of reply topics, for the replies of a client that died without deleting its own. */
  readonly replyRetentionMs: number;
  /**
   * How long another client's reply group must be seen without members before the open inbox
   * removes its topic and group (a client that died without closing); 0: never.
   */
  readonly replyOrphanGraceMs: number;
}

const addresses = wireAddresses.kafka;
const deadLetterTopicOf = (address: string): string => `${address}.dlt`;
/** Only reply topics are replied to: a call's `replyTo` must not aim replies at other topics. */
const REPLY_PREFIX = addresses.replies('');
/** The one lane topic under the reply prefix: the dead letters of an API named `reply`. */
const REPLY_API_DEAD_LETTERS = deadLetterTopicOf(addresses.requests('reply'));
const isReplyTopic = (address: string): boolean =>
  address.startsWith(REPLY_PREFIX) &&
  address.length > REPLY_PREFIX.length &&
  address !== REPLY_API_DEAD_LETTERS;

/**
 * RPC and events on Kafka. Calls go to the topic `rpc.<api>` (created by `serve`, kept), consumed
 * by every daemon serving the API as one group (`rpc.<api>`); replies to the caller's own topic
 * `rpc.reply.<clientId>` (one partition, one group of one member, deleted at close, or by another
 * client's inbox once its group has had no member for `replyOrphanGraceMs`); events to
 * `event.<api>.<event>`, read by one group per listener name. Each lane dead-letters to
 * `<its address>.dlt`. An API is served while its request topic exists (calls then wait there for
 * a daemon that restarts); unknown methods are answered by the serving daemon.
 */
export function createKafkaWire(parts: KafkaWireParts): RpcWire {
  const { kafka, producer, logger } = parts;
  const topics = new TopicDirectory(kafka, parts.topicTtlMs);
  const calls = new CallSender(kafka);
  const replies = new ReplySender(kafka, topics);
  const inboxes = new Set<Inbox>();
  const lane = { kafka, config: parts.config, producer, logger };
  const withDeadLetters = async (topic: string, deadLetterTopic: string): Promise<void> => {
    await topics.ensure(topic, { numPartitions: parts.partitions });
    await topics.ensure(deadLetterTopic, { numPartitions: parts.partitions });
  };
  return {
    name: 'kafka',
    requestAddress: addresses.requests,
    async served(api) {
      return (await topics.exists(addresses.requests(api))) ? { served: true } : { served: false };
    },
    async sendCall(api, call) {
      const topic = addresses.requests(api);
      if (!(await topics.exists(topic)))
        throw rpcError(
          RpcErrorCodes.API_UNKNOWN,
          `no daemon serves the ${api} API on Kafka: its request topic ${topic} does not exist (a daemon serving it creates it)`,
        );
      await calls.send(topic, call.correlationId, call.body, {
        [MEDIA_TYPE_HEADER]: RpcRequest.mediaType,
        'x-switchyard-deadline': String(call.deadline),
      });
    },
    async openInbox(clientId, onReply) {
      const inbox = await openKafkaInbox(
        {
          kafka,
          topics,
          topic: addresses.replies(clientId),
          maxWaitTimeMs: parts.replyMaxWaitMs,
          retentionMs: parts.replyRetentionMs,
          sessionTimeoutMs: parts.config.sessionTimeoutMs,
          heartbeatIntervalMs: parts.config.heartbeatIntervalMs,
          orphanGraceMs: parts.replyOrphanGraceMs,
          logger,
        },
        onReply,
      );
      inboxes.add(inbox);
      return {
        address: inbox.address,
        close: async () => {
          inboxes.delete(inbox);
          await inbox.close();
        },
      };
    },
    async sendReply(address, body) {
      if (!isReplyTopic(address)) {
        logger.warn(
          { replyTo: address },
          `a call's replyTo is not a reply topic (${REPLY_PREFIX}…); no reply sent`,
        );
        return false;
      }
      return replies.send(address, body);
    },
    async serve(api, _methods) {
      const topic = addresses.requests(api);
      await withDeadLetters(topic, deadLetterTopicOf(topic));
      return {
        address: topic,
        transport: laneTransport(lane, {
          topic,
          groupId: topic,
          deadLetterTopic: deadLetterTopicOf(topic),
          holdBatches: false,
        }),
        // The topic stays: calls sent while no daemon serves wait there for the next one.
        withdraw: async () => {},
      };
    },
    async publishEvent(api, event, body, mediaType) {
      const topic = addresses.events(api, event);
      await topics.ensure(topic, { numPartitions: parts.partitions });
      await calls.send(topic, null, body, { [MEDIA_TYPE_HEADER]: mediaType });
    },
    async listen(api, event, listenerName) {
      const topic = addresses.events(api, event);
      const group = addresses.listener(api, event, listenerName);
      await withDeadLetters(topic, deadLetterTopicOf(group));
      await startNewGroupAtEnd(await topics.admin(), group, topic);
      return {
        address: group,
        transport: laneTransport(lane, {
          topic,
          groupId: group,
          deadLetterTopic: deadLetterTopicOf(group),
          holdBatches: true,
        }),
      };
    },
    async close() {
      await Promise.all([...inboxes].map((inbox) => inbox.close()));
      await Promise.all([calls.close(), replies.close()]);
      await topics.close();
      if (parts.ownsProducer) await producer.close();
    },
  };
}

/**
 * A listener that never listened before gets the events fired from now on, not the topic's
 * history: its group's partitions without a committed offset start at the end. Once it has
 * offsets, it resumes where it stopped (events fired while it was down are delivered).
 */
async function startNewGroupAtEnd(admin: Admin, groupId: string, topic: string): Promise<void> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const fresh = (committed?.partitions ?? []).filter(({ offset }) => Number(offset) < 0);
  if (fresh.length === 0) return;
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((end) => [end.partition, end.high]));
  await admin.setOffsets({
    groupId,
    topic,
    partitions: fresh.map(({ partition }) => ({ partition, offset: ends.get(partition) ?? '0' })),
  });
}
