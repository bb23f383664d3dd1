import { randomUUID } from 'node:crypto';
import type { KafkaMode } from '@switchyard/kafka';
import { beforeAll, describe, it } from 'vitest';
import { client, createTopic, events, produceRaw, startDaemon } from '../test/kafka/support.js';
import { broker, brokers, NO_BROKER, WORKLOAD } from './kafka.js';
import { runScenario, type RoundResult } from './harness.js';
import { ROUNDS, serverRunning, setting, sleep, Stopwatch } from './support.js';

// Each scenario's topic is filled once; every round consumes it from the beginning with a fresh
// group, and the clock runs from the first handled message to the last, so group joins are not counted.
const { partitions: PARTITIONS, keys: KEYS, concurrency: CONCURRENCY } = WORKLOAD;
const BATCH_SIZE = 100;
const NOOP_MESSAGES = setting('BENCH_KAFKA_MESSAGES', 200_000);
const SLOW_MESSAGES = setting('BENCH_KAFKA_SLOW_MESSAGES', 10_000);
const SLOW_MS = 5;
const settings = (messages: number, handler: string): Record<string, unknown> => ({
  kafka: broker?.version,
  messages,
  partitions: PARTITIONS,
  keys: KEYS,
  handler,
  concurrency: CONCURRENCY,
  batchSize: BATCH_SIZE,
});

async function filledTopic(count: number): Promise<string> {
  const topic = await createTopic(brokers, PARTITIONS);
  const started = performance.now();
  await produceRaw(brokers, topic, events(count, KEYS), 5000);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`produced ${count} messages in ${seconds.toFixed(1)} s\n`);
  return topic;
}

/** switchyard in `mode`, on its real flags; the round ends when `count` messages have their outcome. */
async function switchyard(
  topic: string,
  count: number,
  mode: KafkaMode,
  workMs: number,
): Promise<RoundResult> {
  const watch = new Stopwatch(count);
  const daemon = await startDaemon(
    async () => {
      watch.first();
      if (workMs > 0) await sleep(workMs);
    },
    {
      brokers,
      topic,
      mode,
      concurrency: CONCURRENCY,
      env: { KAFKA_TEST__CONSUMER__BATCH_SIZE: String(BATCH_SIZE) },
    },
  );
  await daemon.finished(count);
  const round = watch.result();
  await daemon.stop();
  if (daemon.counter.get('succeeded') < count)
    throw new Error(`switchyard ${mode}: ${daemon.counter.summaryLine()}`);
  return round;
}

/** The reference: kafkajs eachBatch with its defaults, JSON.parse each value, commit per batch. */
async function rawKafkajs(topic: string, count: number): Promise<RoundResult> {
  const watch = new Stopwatch(count);
  const consumer = client(brokers).consumer({ groupId: `bench.raw-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async (payload) => {
      for (const message of payload.batch.messages) {
        JSON.parse(String(message.value));
        payload.resolveOffset(message.offset);
        watch.tick();
      }
      await payload.commitOffsetsIfNecessary();
    },
  });
  await watch.reached;
  const round = watch.result();
  await consumer.disconnect();
  return round;
}

describe.skipIf(!serverRunning(brokers !== '', 'kafka-throughput', NO_BROKER))(
  `Kafka ${broker?.version}: throughput`,
  () => {
    describe(`no-op handler, ${NOOP_MESSAGES} messages`, () => {
      let topic = '';
      beforeAll(async () => {
        topic = await filledTopic(NOOP_MESSAGES);
      });

      for (const mode of ['keyed', 'in-order', 'unordered'] as const)
        it(`${mode} vs raw kafkajs eachBatch`, async () => {
          await runScenario({
            name: `kafka-noop-${mode}`,
            settings: { ...settings(NOOP_MESSAGES, 'no-op'), mode },
            ...ROUNDS,
            reference: { label: 'raw kafkajs eachBatch', run: () => rawKafkajs(topic, NOOP_MESSAGES) },
            switchyard: { label: `switchyard ${mode}`, run: () => switchyard(topic, NOOP_MESSAGES, mode, 0) },
          });
        });
    });

    describe(`${SLOW_MS} ms async handler, ${SLOW_MESSAGES} messages`, () => {
      let topic = '';
      beforeAll(async () => {
        topic = await filledTopic(SLOW_MESSAGES);
      });

      // keyed runs up to one message per key at once, unordered up to `concurrency`: both are bound
      // by min(keys, concurrency) / latency; in-order by partitions / latency.
      for (const mode of ['keyed', 'unordered'] as const)
        it(`${mode} vs in-order`, async () => {
          await runScenario({
            name: `kafka-${SLOW_MS}ms-${mode}`,
            settings: {
              ...settings(SLOW_MESSAGES, `${SLOW_MS} ms async`),
              mode,
              inOrderBoundMsgsPerSec: (PARTITIONS * 1000) / SLOW_MS,
            },
            ...ROUNDS,
            boundMsgsPerSec: (Math.min(KEYS, CONCURRENCY) * 1000) / SLOW_MS,
            reference: {
              label: 'switchyard in-order',
              run: () => switchyard(topic, SLOW_MESSAGES, 'in-order', SLOW_MS),
            },
            switchyard: {
              label: `switchyard ${mode}`,
              run: () => switchyard(topic, SLOW_MESSAGES, mode, SLOW_MS),
            },
          });
        });
    });
  },
);
