import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_ATTRIBUTES, type RunningDaemon } from '@switchyard/core';
import { kafkaTransportFactory } from '@switchyard/kafka';
import type { ApiDaemon } from '@switchyard/rpc';
import { header, client, createTopic, silentLogger, waitFor } from './support.js';

/**
 * Starts an API daemon on Kafka, quiet, consuming a main topic of its own with a group of its own.
 * The daemon classes of the RPC suites name no transport, so Kafka is put in here.
 */
export async function startApiDaemon(
  daemon: ApiDaemon,
  brokers: string,
  argv: readonly string[] = [],
): Promise<RunningDaemon> {
  Object.defineProperty(daemon, 'transports', { value: [kafkaTransportFactory] });
  const topic = await createTopic(brokers);
  return daemon.start({
    argv: [
      '--kafka-brokers',
      brokers,
      '--topic',
      topic,
      '--group-id',
      `${daemon.name}.${randomUUID().slice(0, 8)}`,
      // Short session and heartbeats, so a rebalance after a member leaves or dies is quick.
      '--set',
      'kafka.sessionTimeoutMs=6000',
      '--set',
      'kafka.heartbeatIntervalMs=500',
      '--set',
      'kafka.maxWaitTimeMs=100',
      ...argv,
    ],
    // Quick retries for the suites' daemons (example, audit), so dead letters come within seconds.
    env: Object.fromEntries(
      ['EXAMPLE', 'AUDIT'].flatMap((name) => [
        [`${name}__CONSUMER__BACKOFF_BASE_SECONDS`, '0.05'],
        [`${name}__CONSUMER__BACKOFF_MAX_SECONDS`, '0.2'],
      ]),
    ),
    logger: silentLogger,
  });
}

/** The reasons of the dead letters in `<address>.dlt` (every record there, read from the start). */
export async function deadLetterReasons(brokers: string, address: string): Promise<string[]> {
  const topic = `${address}.dlt`;
  const kafka = client(brokers);
  const admin = kafka.admin();
  await admin.connect();
  let count = 0;
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    for (const { high, low } of await admin.fetchTopicOffsets(topic)) count += Number(high) - Number(low);
  } finally {
    await admin.disconnect();
  }
  if (count === 0) return [];
  const consumer = kafka.consumer({ groupId: `reader.${randomUUID()}`, maxWaitTimeInMs: 100 });
  const reasons: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void reasons.push(header(message.headers?.[DEAD_LETTER_ATTRIBUTES.reason]) ?? ''),
    });
    await waitFor(() => reasons.length >= count, 15_000, `${count} dead letters on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return reasons;
}

/** The topics and consumer groups on the broker. */
export async function topicsAndGroups(brokers: string): Promise<{ topics: string[]; groups: string[] }> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    const { groups } = await admin.listGroups();
    return { topics, groups: groups.map((group) => group.groupId) };
  } finally {
    await admin.disconnect();
  }
}
