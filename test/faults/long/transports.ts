// The brokers' side of the scenarios: a fresh topic and group, a fresh queue, or a fresh stream and
// durable consumer, the daemon's flags for it, sending the test events, and whether the broker is
// drained.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/transport-node';
import { MEDIA_TYPE_HEADER, NATS_KEY_HEADER } from '@switchyard/nats';
import { EVENT_MEDIA_TYPE } from '../../kafka/child/TestEvent.js';
import { client, committedOffsets, createTopic } from '../../kafka/support.js';
import { createStreams, deleteStreams, testStream, unfinished } from '../../nats/support.js';
import { createQueue, messagesLeft, sqsClient } from '../../sqs/support.js';

type Settings = Record<string, string | number>;

export interface KafkaTarget {
  readonly topic: string;
  readonly groupId: string;
  /** The ledger daemon's flags: this topic and group, the mode, a 6 s session. */
  readonly args: string[];
  /** Committed to the end: the group's offsets add up to `count`. */
  drained(): Promise<boolean>;
}

/** A new topic with `partitions` and a new group for a scenario over `count` messages. */
export async function kafkaTarget(options: {
  brokers: string;
  partitions: number;
  count: number;
  mode: 'keyed' | 'in-order' | 'unordered';
  concurrency: number;
  settings?: Settings;
}): Promise<KafkaTarget> {
  const { brokers } = options;
  const topic = await createTopic(brokers, options.partitions);
  const groupId = `fault-test.${options.mode}-${Date.now()}`;
  return {
    topic,
    groupId,
    args: kafkaArgs({ ...options, topic, groupId }),
    drained: () => committedToEnd(brokers, groupId, topic),
  };
}

export interface SqsTarget {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** The ledger daemon's flags for this queue. */
  readonly args: string[];
  /** Sends the test events with these ids. */
  send(ids: readonly string[]): Promise<void>;
  /** The queue is empty: nothing visible, in flight or delayed. */
  drained(): Promise<boolean>;
}

/** A new queue with this visibility timeout on `endpoint`. */
export async function sqsTarget(options: {
  endpoint: string;
  visibilityTimeoutSeconds: number;
  concurrency: number;
  settings?: Settings;
}): Promise<SqsTarget> {
  const { endpoint } = options;
  const client = sqsClient(endpoint);
  const queueUrl = await createQueue(client, 'fault', {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds),
  });
  return {
    client,
    queueUrl,
    args: sqsArgs({ ...options, queueUrl }),
    send: (ids) => sendEvents(client, queueUrl, ids),
    drained: async () => (await messagesLeft(client, queueUrl)) === 0,
  };
}

export interface NatsTarget {
  readonly stream: string;
  readonly durable: string;
  /** The ledger daemon's flags for this stream and durable consumer. */
  readonly args: string[];
  /** Publishes the test events with these ids, each confirmed by JetStream (PubAck). */
  send(ids: readonly string[]): Promise<void>;
  /** The durable consumer has nothing left: nothing undelivered, nothing delivered and unacked. */
  drained(): Promise<boolean>;
  /** Deletes the streams (the consumer goes with them) and closes the test's connection. */
  close(): Promise<void>;
}

/**
 * A new stream, its dead-letter stream and a durable pull consumer (explicit acks, max_deliver -1)
 * with this ack_wait on `servers`, with a connection of the test's own that reconnects for ever (a
 * restart test publishes and checks through the same one after the server came back).
 */
export async function natsTarget(options: {
  servers: string;
  ackWaitSeconds: number;
  concurrency: number;
  settings?: Settings;
}): Promise<NatsTarget> {
  const connection = await connect({
    servers: options.servers,
    name: 'switchyard-fault-test',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  const names = testStream('fault');
  const durable = 'fault-test';
  await createStreams(connection, names, {
    durable,
    consumer: { ack_wait: nanos(options.ackWaitSeconds * 1000) },
  });
  return {
    stream: names.stream,
    durable,
    args: [
      '--nats-servers',
      options.servers,
      '--stream',
      names.stream,
      '--subject',
      names.subject,
      '--durable',
      durable,
      '--concurrency',
      String(options.concurrency),
      ...setFlags(options.settings ?? {}),
    ],
    send: (ids) => publishEvents(connection, names.subject, ids),
    // A check while the connection is still reconnecting fails: not drained yet, ask again.
    drained: async () => (await unfinished(connection, names.stream, durable).catch(() => Number.NaN)) === 0,
    close: async () => {
      await deleteStreams(connection, names);
      await connection.close();
    },
  };
}

/**
 * Publishes the test events with these ids (`key/seq`, the key also in `x-message-key`), `parallel`
 * at once, each waiting for its PubAck. A publish that fails (the server restarting) is tried again
 * with the same Nats-Msg-Id (the event id), which the stream stores once: none missing, none twice.
 */
async function publishEvents(
  connection: NatsConnection,
  subject: string,
  ids: readonly string[],
  parallel = 64,
): Promise<void> {
  const js = jetstream(connection);
  const publishOne = async (id: string): Promise<void> => {
    const [key, seq] = id.split('/');
    const headers = natsHeaders();
    headers.set(MEDIA_TYPE_HEADER, EVENT_MEDIA_TYPE);
    headers.set(NATS_KEY_HEADER, key!);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await js.publish(subject, JSON.stringify({ key, seq: Number(seq) }), { headers, msgID: id });
        return;
      } catch (error) {
        if (attempt >= 20)
          throw new Error(`could not publish ${id}: ${(error as Error).message}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) await publishOne(ids[next++]!);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** Sends the test events with these ids (`key/seq`), 10 per SendMessageBatch, `parallel` calls at once. */
async function sendEvents(
  client: SQSClient,
  queueUrl: string,
  ids: readonly string[],
  parallel = 16,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const batch = ids.slice(next, next + 10);
      next += batch.length;
      const response = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((id, index) => {
            const [key, seq] = id.split('/');
            return {
              Id: String(index),
              MessageBody: JSON.stringify({ mediaType: EVENT_MEDIA_TYPE, key, seq: Number(seq) }),
            };
          }),
        }),
      );
      if ((response.Failed ?? []).length > 0)
        throw new Error(`send failed: ${JSON.stringify(response.Failed)}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * Whether the group committed every partition of the topic to its end. The end, not the number of
 * messages sent: a producer retry while the broker restarts can write a record twice.
 */
async function committedToEnd(brokers: string, groupId: string, topic: string): Promise<boolean> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = await committedOffsets(brokers, groupId, topic);
    return ends.every(({ partition, high }) => (committed[partition] ?? -1) >= Number(high));
  } finally {
    await admin.disconnect();
  }
}

/** The group's committed offsets on the topic, added up over its partitions (none yet counts 0). */
export async function committedTotal(brokers: string, groupId: string, topic: string): Promise<number> {
  const committed = await committedOffsets(brokers, groupId, topic);
  return Object.values(committed).reduce((sum, offset) => sum + Math.max(0, offset), 0);
}

/**
 * Kafka flags for the ledger daemon (consumer session timeout at the broker's minimum). Every
 * process of a scenario gets the same `kafka.instanceId`, as a deployment gives a restarted pod its
 * name: a process started after a crash removes its dead predecessor from the group instead of
 * waiting out its session timeout.
 */
function kafkaArgs(options: {
  brokers: string;
  topic: string;
  groupId: string;
  mode: 'keyed' | 'in-order' | 'unordered';
  concurrency: number;
  settings?: Settings;
}): string[] {
  return [
    '--kafka-brokers',
    options.brokers,
    '--topic',
    options.topic,
    '--group-id',
    options.groupId,
    '--mode',
    options.mode,
    '--from-beginning',
    '--concurrency',
    String(options.concurrency),
    // A killed member's partitions move on after 6 s (the broker's minimum), not 30.
    ...setFlags({
      'kafka.sessionTimeoutMs': 6000,
      'kafka.heartbeatIntervalMs': 1000,
      'kafka.instanceId': 'ledger-0',
      ...options.settings,
    }),
  ];
}

/** SQS flags for the ledger daemon. */
function sqsArgs(options: {
  endpoint: string;
  queueUrl: string;
  concurrency: number;
  settings?: Settings;
}): string[] {
  return [
    '--queue-url',
    options.queueUrl,
    '--endpoint-url',
    options.endpoint,
    '--concurrency',
    String(options.concurrency),
    ...setFlags({ 'sqs.waitTimeSeconds': 1, ...options.settings }),
  ];
}

function setFlags(settings: Settings): string[] {
  return Object.entries(settings).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
}
