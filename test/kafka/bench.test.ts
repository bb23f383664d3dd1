import { randomUUID } from 'node:crypto';
import type { KafkaMode } from '@switchyard/kafka';
import { describe, expect, it } from 'vitest';
import {
  client,
  createTopic,
  events,
  brokerCases,
  kafkaBrokers,
  produceRaw,
  startDaemon,
  waitFor,
} from './support.js';

// Throughput figures, not assertions about speed: run with BENCH=1. Each scenario consumes its
// own pre-filled topic (8 partitions, 64 keys) from the beginning with a fresh group; the clock runs
// from the first handled message to the last, so group joins are not counted.
const PARTITIONS = 8;
const KEYS = 64;
const sizes = { 'no-op': 20_000, '5 ms async': 5000 } as const;
type Load = keyof typeof sizes;
const work: Record<Load, () => Promise<void> | void> = {
  'no-op': () => undefined,
  '5 ms async': () => new Promise((resolve) => setTimeout(resolve, 5)),
};

async function filledTopic(brokers: string, count: number): Promise<string> {
  const topic = await createTopic(brokers, PARTITIONS);
  await produceRaw(brokers, topic, events(count, KEYS), 1000);
  return topic;
}

async function daemonRate(brokers: string, mode: KafkaMode, load: Load): Promise<number> {
  const count = sizes[load];
  const topic = await filledTopic(brokers, count);
  let first = 0;
  let handled = 0;
  const daemon = await startDaemon(
    async () => {
      first ||= performance.now();
      await work[load]();
      handled += 1;
    },
    { brokers, topic, mode, concurrency: 64, env: { KAFKA_TEST__CONSUMER__BATCH_SIZE: '100' } },
  );
  await waitFor(() => daemon.counter.finished >= count, 300_000, `${count} handled`);
  const rate = count / ((performance.now() - first) / 1000);
  await daemon.stop();
  expect(handled).toBeGreaterThanOrEqual(count);
  return rate;
}

/** The reference: kafkajs eachBatch, JSON.parse each value (then the same work), commit per batch. */
async function rawRate(brokers: string, load: Load): Promise<number> {
  const count = sizes[load];
  const topic = await filledTopic(brokers, count);
  const consumer = client(brokers).consumer({ groupId: `bench.raw-${randomUUID()}`, maxWaitTimeInMs: 100 });
  let first = 0;
  let handled = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async (payload) => {
      const { batch } = payload;
      first ||= performance.now();
      for (const message of batch.messages) {
        JSON.parse(String(message.value));
        await work[load]();
        handled += 1;
        payload.resolveOffset(message.offset);
      }
      await payload.commitOffsetsIfNecessary();
    },
  });
  await waitFor(() => handled >= count, 300_000, `${count} handled raw`);
  const rate = count / ((performance.now() - first) / 1000);
  await consumer.disconnect();
  return rate;
}

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: throughput',
  ({ version, brokers }) => {
    it.skipIf(!process.env.BENCH)(
      'msgs/s per mode next to raw kafkajs eachBatch',
      { timeout: 900_000 },
      async () => {
        const rows: Array<Record<string, string | number>> = [];
        for (const load of Object.keys(sizes) as Load[]) {
          const row: Record<string, string | number> = {
            kafka: version,
            handler: load,
            messages: sizes[load],
          };
          row['raw kafkajs eachBatch'] = Math.round(await rawRate(brokers, load));
          for (const mode of ['keyed', 'in-order', 'unordered'] as const)
            row[mode] = Math.round(await daemonRate(brokers, mode, load));
          rows.push(row);
        }
        console.table(rows);
      },
    );
  },
);
