import { randomUUID } from 'node:crypto';
import type { Transport } from '@switchyard/core';
import { transportConformance, type DeadLetterCopy } from '@switchyard/core/testing';
import { createKafkaClient, KafkaConfig, KafkaProducer, KafkaTransport } from '@switchyard/kafka';
import { describe, it } from 'vitest';
// Not exported by the package (the factory builds it); the suite needs it to end a consumer as a crash would.
import { ConsumerSession } from '../../packages/kafka/src/ConsumerSession.js';
import {
  brokerCases,
  client,
  committedOffsets,
  createTopic,
  header,
  kafkaBrokers,
  produceRaw,
  readAll,
  silentLogger,
} from './support.js';

/** The group's end offsets minus its committed offsets: what it has not finished yet. */
async function unfinished(brokers: string, groupId: string, topic: string): Promise<number> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = await committedOffsets(brokers, groupId, topic);
    return ends.reduce((sum, { partition, high, low }) => {
      const position = Math.max(Number(low), committed[partition] ?? -1);
      return sum + Math.max(0, Number(high) - position);
    }, 0);
  } finally {
    await admin.disconnect();
  }
}

/** Every record on the dead-letter topic, with its headers as text. */
async function deadLetterCopies(brokers: string, topic: string): Promise<DeadLetterCopy[]> {
  const count = await unfinished(brokers, `never-committed.${randomUUID()}`, topic);
  if (count === 0) return [];
  return (await readAll(brokers, topic, count)).map((record) => ({
    body: record.value?.toString('utf8') ?? '',
    attributes: Object.fromEntries(
      Object.entries(record.headers ?? {}).map(([name, value]) => [name, header(value) ?? '']),
    ),
  }));
}

for (const { version, brokers } of brokerCases) {
  if (kafkaBrokers.length === 0) {
    describe.skip(`transport conformance: Kafka ${version}`, () => {
      it('needs a broker', () => undefined);
    });
    continue;
  }
  await transportConformance({
    name: `Kafka ${version} (keyed)`,
    // Offsets, not leases: a message is in flight until acked, and extend has nothing to do.
    capabilities: { ordersByKey: true, supportsRelease: true, leases: false, redeliversAfterCrash: true },
    // A join of the group (one per transport the suite opens) takes a few seconds.
    timeoutMs: 45_000,
    createQueue: async () => {
      const topic = await createTopic(brokers);
      const deadLetterTopic = await createTopic(brokers, 1, `${topic}.dlt`);
      const groupId = `conformance.${randomUUID().slice(0, 8)}`;
      const settings = Object.assign(new KafkaConfig(), {
        brokers,
        topics: [topic],
        groupId,
        fromBeginning: true,
      });
      const kafka = createKafkaClient(settings, 'conformance', silentLogger);
      const sessions = new Map<Transport, ConsumerSession>();
      const producers: KafkaProducer[] = [];
      const producer = (): KafkaProducer => {
        const created = new KafkaProducer(kafka, { defaultTopic: topic, routes: {} });
        producers.push(created);
        return created;
      };
      return {
        transport: () => {
          let session: ConsumerSession | undefined;
          const transport = new KafkaTransport(
            (listener) => {
              session = new ConsumerSession(
                kafka,
                {
                  topics: settings.topics,
                  fromBeginning: true,
                  stallTimeoutMs: settings.stallTimeoutMs,
                  revokeDrainMs: settings.effectiveRevokeDrainMs,
                  consumer: {
                    groupId,
                    maxWaitTimeInMs: 100,
                    heartbeatInterval: settings.heartbeatIntervalMs,
                  },
                },
                listener,
                silentLogger,
              );
              sessions.set(transport, session);
              return session;
            },
            producer(),
            {
              mode: 'keyed',
              maxBuffered: settings.maxBuffered,
              commitIntervalMs: settings.commitIntervalMs,
              deadLetterTopicFor: () => deadLetterTopic,
              // Longer than the suite's promptMs: an aborted receive that waited its time out fails.
              waitMs: 20_000,
            },
            silentLogger,
          );
          return transport;
        },
        producer,
        publish: (messages) =>
          produceRaw(
            brokers,
            topic,
            messages.map(({ body, key, attributes }) => ({
              key: key ?? null,
              value: body,
              headers: { ...attributes },
            })),
          ),
        remaining: () => unfinished(brokers, groupId, topic),
        deadLetters: () => deadLetterCopies(brokers, deadLetterTopic),
        // The consumer leaves the group without a commit; the close after it has no consumer to
        // commit with, and only stops the commit timer.
        crash: async (transport) => {
          await sessions.get(transport)?.stop();
          await transport.close();
        },
        dispose: async () => {
          await Promise.all(producers.map((created) => created.close()));
        },
      };
    },
  });
}
