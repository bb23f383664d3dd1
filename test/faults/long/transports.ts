// The brokers' side of the scenarios: a fresh topic and group, or a fresh queue, the daemon's flags
// for it, sending the test events, and whether the broker is drained.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EVENT_MEDIA_TYPE } from '../../kafka/child/TestEvent.js';
import { committedOffsets, createTopic } from '../../kafka/support.js';
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
    drained: async () => (await committedTotal(brokers, groupId, topic)) === options.count,
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

/** The group's committed offsets on the topic, added up over its partitions (none yet counts 0). */
export async function committedTotal(brokers: string, groupId: string, topic: string): Promise<number> {
  const committed = await committedOffsets(brokers, groupId, topic);
  return Object.values(committed).reduce((sum, offset) => sum + Math.max(0, offset), 0);
}

/** Kafka flags for the ledger daemon (consumer session timeout at the broker's minimum). */
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
    ...setFlags({ 'kafka.sessionTimeoutMs': 6000, 'kafka.heartbeatIntervalMs': 1000, ...options.settings }),
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
