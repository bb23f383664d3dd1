import { randomUUID } from 'node:crypto';
import { ConsumerDaemon, handles } from '@switchyard/core';
import { KafkaTransport, kafkaTransportFactory, type KafkaMode } from '@switchyard/kafka';
import { beforeAll, describe, it } from 'vitest';
import { client, createTopic, events, produceRaw, silentLogger, startDaemon } from '../test/kafka/support.js';
import { OrderPlaced, REALISTIC_MEDIA_TYPE, realisticBody } from './realisticSchema.js';
import { broker, brokers, NO_BROKER, WORKLOAD } from './kafka.js';
import { runScenario, type RoundResult } from './harness.js';
import { ROUNDS, serverRunning, setting, sleep, Stopwatch } from './support.js';

// Each scenario's topic is filled once; every round consumes it from the beginning with a fresh
// group, and the clock runs from the first handled message to the last, so group joins are not counted.
const { partitions: PARTITIONS } = WORKLOAD;
const BATCH_SIZE = 100;
const NOOP_MESSAGES = setting('BENCH_KAFKA_MESSAGES', 200_000);
const SLOW_MESSAGES = setting('BENCH_KAFKA_SLOW_MESSAGES', 10_000);
const SLOW_MS = 5;
// For trying settings: more environment for switchyard's daemon, `NAME=value,NAME=value` (e.g.
// `KAFKA_TEST__KAFKA__MAX_BUFFERED_BYTES=1073741824`).
const DAEMON_ENV = Object.fromEntries(
  (process.env.BENCH_KAFKA_DAEMON_ENV ?? '')
    .split(',')
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

/** How many keys the topic's records spread over, and switchyard's concurrency. */
interface Shape {
  keys: number;
  concurrency: number;
}

const settings = (messages: number, handler: string, shape: Shape): Record<string, unknown> => ({
  kafka: broker?.version,
  messages,
  partitions: PARTITIONS,
  ...shape,
  handler,
  batchSize: BATCH_SIZE,
});

async function filledTopic(count: number, keys: number): Promise<string> {
  const topic = await createTopic(brokers, PARTITIONS);
  const started = performance.now();
  await produceRaw(brokers, topic, events(count, keys), 5000);
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
  concurrency: number,
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
      concurrency,
      env: { KAFKA_TEST__CONSUMER__BATCH_SIZE: String(BATCH_SIZE), ...DAEMON_ENV },
    },
  );
  await daemon.finished(count);
  const round = watch.result();
  // Commit traffic of the round (kafka.commitDelayMs): commits sent and their rate.
  const { commits } = daemon.container.get(KafkaTransport).stats;
  process.stdout.write(`switchyard ${mode}: ${commits} commits, ${Math.round(commits / round.seconds)}/s\n`);
  await daemon.stop();
  if (daemon.counter.get('succeeded') < count)
    throw new Error(`switchyard ${mode}: ${daemon.counter.summaryLine()}`);
  return round;
}

/**
 * The most a mode can reach with a `SLOW_MS` handler: keyed runs one message per key at a time,
 * in-order one per partition, unordered up to `concurrency`, each never more than `concurrency`.
 */
function bound(mode: KafkaMode, { keys, concurrency }: Shape): number {
  const lanes = { keyed: keys, 'in-order': PARTITIONS, unordered: concurrency }[mode];
  return (Math.min(lanes, concurrency) * 1000) / SLOW_MS;
}

/** keyed and unordered against in-order, all with a `SLOW_MS` async handler, on one topic. */
function slowHandlerScenarios(shape: Shape, modes: ReadonlyArray<'keyed' | 'unordered'>, suffix = ''): void {
  describe(`${SLOW_MS} ms async handler, ${SLOW_MESSAGES} messages, ${shape.keys} keys, concurrency ${shape.concurrency}`, () => {
    let topic = '';
    beforeAll(async () => {
      topic = await filledTopic(SLOW_MESSAGES, shape.keys);
    });

    for (const mode of modes)
      it(`${mode} vs in-order`, async () => {
        await runScenario({
          name: `kafka-${SLOW_MS}ms-${mode}${suffix}`,
          settings: {
            ...settings(SLOW_MESSAGES, `${SLOW_MS} ms async`, shape),
            mode,
            inOrderBoundMsgsPerSec: bound('in-order', shape),
          },
          ...ROUNDS,
          boundMsgsPerSec: bound(mode, shape),
          reference: {
            label: 'switchyard in-order',
            run: () => switchyard(topic, SLOW_MESSAGES, 'in-order', SLOW_MS, shape.concurrency),
          },
          switchyard: {
            label: `switchyard ${mode}`,
            run: () => switchyard(topic, SLOW_MESSAGES, mode, SLOW_MS, shape.concurrency),
          },
        });
      });
  });
}

/** A keyed daemon handling the realistic 10-field schema with a no-op handler. */
async function switchyardRealistic(topic: string, count: number): Promise<RoundResult> {
  const watch = new Stopwatch(count);
  const noop = handles(OrderPlaced)(() => watch.first());
  class RealisticDaemon extends ConsumerDaemon {
    readonly name = 'kafka-test';
    override readonly handlers = [noop];
    override readonly transports = [kafkaTransportFactory];
  }
  const daemon = await new RealisticDaemon().start({
    argv: [
      ...['--kafka-brokers', brokers, '--topic', topic, '--group-id', `bench.realistic-${randomUUID()}`],
      ...['--mode', 'keyed', '--from-beginning', '--concurrency', String(WORKLOAD.concurrency)],
    ],
    env: { KAFKA_TEST__CONSUMER__BATCH_SIZE: String(BATCH_SIZE) },
    logger: silentLogger,
  });
  await daemon.finished(count);
  const round = watch.result();
  await daemon.stop();
  if (daemon.counter.get('succeeded') < count)
    throw new Error(`switchyard realistic: ${daemon.counter.summaryLine()}`);
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
        topic = await filledTopic(NOOP_MESSAGES, WORKLOAD.keys);
      });

      for (const mode of ['keyed', 'in-order', 'unordered'] as const)
        it(`${mode} vs raw kafkajs eachBatch`, async () => {
          await runScenario({
            name: `kafka-noop-${mode}`,
            settings: { ...settings(NOOP_MESSAGES, 'no-op', WORKLOAD), mode },
            ...ROUNDS,
            reference: { label: 'raw kafkajs eachBatch', run: () => rawKafkajs(topic, NOOP_MESSAGES) },
            switchyard: {
              label: `switchyard ${mode}`,
              run: () => switchyard(topic, NOOP_MESSAGES, mode, 0, WORKLOAD.concurrency),
            },
          });
        });
    });

    describe(`no-op handler, realistic schema (10 fields), ${NOOP_MESSAGES} messages`, () => {
      let topic = '';
      beforeAll(async () => {
        topic = await createTopic(brokers, PARTITIONS);
        const records = Array.from({ length: NOOP_MESSAGES }, (_, index) => ({
          key: `k${index % WORKLOAD.keys}`,
          value: realisticBody(index),
          headers: { media_type: REALISTIC_MEDIA_TYPE },
        }));
        await produceRaw(brokers, topic, records, 5000);
      });

      it('keyed vs raw kafkajs eachBatch', async () => {
        await runScenario({
          name: 'kafka-noop-keyed-realistic',
          settings: {
            ...settings(NOOP_MESSAGES, 'no-op', WORKLOAD),
            mode: 'keyed',
            validation: 'compiled (10 fields: email, uuid, enum, ISO date, nested @Type array, 20 numbers)',
          },
          ...ROUNDS,
          reference: { label: 'raw kafkajs eachBatch', run: () => rawKafkajs(topic, NOOP_MESSAGES) },
          switchyard: { label: 'switchyard keyed', run: () => switchyardRealistic(topic, NOOP_MESSAGES) },
        });
      });
    });

    // The workload: keyed and unordered are bound at 64 / 5 ms, in-order at 8 / 5 ms.
    slowHandlerScenarios(WORKLOAD, ['keyed', 'unordered']);
    // Beyond it: what keyed reaches when keys and concurrency do not cap it at 8 × in-order's bound.
    slowHandlerScenarios({ keys: 1024, concurrency: 256 }, ['keyed'], '-1024keys-c256');
  },
);
