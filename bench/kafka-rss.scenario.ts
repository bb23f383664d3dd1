import { randomUUID } from 'node:crypto';
import { beforeAll, describe, it } from 'vitest';
import { client, committedOffsets, createTopic, EVENT_MEDIA_TYPE } from '../test/kafka/support.js';
import { broker, brokers, NO_BROKER, WORKLOAD } from './kafka.js';
import { runFigure } from './harness.js';
import { builtPackagesProblem, rssMb, spawnChild, type Child } from './processes.js';
import { serverRunning, setting, sleep } from './support.js';

// Peak RSS of a consumer process while a big backlog waits in Kafka. switchyard's intake is bounded
// in messages (kafka.maxBuffered, 1000: a partition pauses at its share), but kafkajs hands over a
// whole fetch (up to maxBytesPerPartition per partition) at once; so the figure is taken with the
// defaults and again with 64 KiB fetches, on both sides. The handler is slow next to the fetch rate,
// so nearly all of the backlog stays in Kafka. Each side runs in its own child process, on the
// built packages, so its RSS is its own.
const MESSAGES = setting('BENCH_RSS_MESSAGES', 1_000_000);
const { partitions: PARTITIONS, keys: KEYS, concurrency: CONCURRENCY } = WORKLOAD;
const HANDLER_MS = 10;
const SAMPLE_SECONDS = setting('BENCH_RSS_SECONDS', 20);
const ROUNDS = setting('BENCH_RSS_ROUNDS', 1);
// For trying settings and profiling: more flags for the switchyard child (space-separated, e.g.
// `--set kafka.maxBufferedBytes=1048576`) and NODE_OPTIONS for it alone (e.g. `--heap-prof`).
const EXTRA_ARGS = (process.env.BENCH_RSS_ARGS ?? '').split(' ').filter((arg) => arg !== '');
const CHILD_NODE_OPTIONS = process.env.BENCH_RSS_NODE_OPTIONS;
const problem = brokers === '' ? NO_BROKER : builtPackagesProblem();

/** Fills the topic fast: 10,000 records a request, four requests in flight, acks from the leader only. */
async function produceBacklog(topic: string): Promise<number> {
  const producer = client(brokers).producer();
  await producer.connect();
  const started = performance.now();
  const chunk = 10_000;
  const send = async (from: number): Promise<void> => {
    const messages = Array.from({ length: Math.min(chunk, MESSAGES - from) }, (_, index) => {
      const seq = from + index;
      const key = `k${seq % KEYS}`;
      return { key, value: JSON.stringify({ key, seq }), headers: { media_type: EVENT_MEDIA_TYPE } };
    });
    await producer.send({ topic, acks: 1, messages });
  };
  try {
    for (let from = 0; from < MESSAGES; from += chunk * 4)
      await Promise.all(
        [0, 1, 2, 3]
          .map((slot) => from + slot * chunk)
          .filter((start) => start < MESSAGES)
          .map(send),
      );
  } finally {
    await producer.disconnect();
  }
  return (performance.now() - started) / 1000;
}

/** Samples the child's RSS until `SAMPLE_SECONDS` after it polls; returns its peak (VmHWM) in MB. */
async function peakRss(child: Child): Promise<number> {
  await child.ready;
  const deadline = performance.now() + SAMPLE_SECONDS * 1000;
  let peak = 0;
  while (performance.now() < deadline) {
    peak = Math.max(peak, rssMb(child.process.pid!).peak);
    await sleep(250);
  }
  return Math.max(peak, rssMb(child.process.pid!).peak);
}

describe.skipIf(!serverRunning(problem === undefined, 'kafka-rss', problem ?? ''))(
  `Kafka ${broker?.version}: memory under a backlog of ${MESSAGES} messages`,
  () => {
    let topic = '';
    let produceSeconds = 0;
    beforeAll(async () => {
      topic = await createTopic(brokers, PARTITIONS);
      produceSeconds = await produceBacklog(topic);
      process.stdout.write(
        `produced ${MESSAGES} messages in ${produceSeconds.toFixed(1)} s (${Math.round(MESSAGES / produceSeconds)} msgs/s)\n`,
      );
    });

    /** One side's round: a child on a fresh group; afterwards, what the group committed. */
    async function measure(start: (groupId: string) => Child, committed: number[]): Promise<number> {
      const groupId = `bench.rss-${randomUUID().slice(0, 8)}`;
      const child = start(groupId);
      try {
        return await peakRss(child);
      } finally {
        await child.stop();
        const offsets = await committedOffsets(brokers, groupId, topic);
        committed.push(Object.values(offsets).reduce((sum, offset) => sum + Math.max(0, offset), 0));
        process.stdout.write(`${groupId}: ${committed.at(-1)} committed in the window\n`);
      }
    }

    for (const fetchBytes of [undefined, 65_536]) {
      const name = fetchBytes === undefined ? 'kafka-rss' : `kafka-rss-fetch-${fetchBytes / 1024}k`;
      const fetch = fetchBytes === undefined ? 'defaults (1 MiB)' : `${fetchBytes / 1024} KiB`;
      it(`peak RSS, maxBytesPerPartition ${fetch}`, async () => {
        const committed = { switchyard: [] as number[], reference: [] as number[] };
        const env = { BENCH_TRANSPORT: 'kafka', BENCH_HANDLER_MS: String(HANDLER_MS) };
        await runFigure({
          name,
          metric: 'peak RSS MB',
          settings: {
            kafka: broker?.version,
            messages: MESSAGES,
            partitions: PARTITIONS,
            handler: `${HANDLER_MS} ms async`,
            concurrency: CONCURRENCY,
            maxBuffered: 1000,
            maxBytesPerPartition: fetch,
            sampledSecondsAfterFirstPoll: SAMPLE_SECONDS,
            produceSeconds: Math.round(produceSeconds * 10) / 10,
            committedInWindow: committed,
            targetMb: 256,
          },
          rounds: ROUNDS,
          warmupRounds: 0,
          reference: {
            label: 'raw kafkajs eachBatch',
            run: () =>
              measure(
                (groupId) =>
                  spawnChild('reference', [], {
                    ...env,
                    KAFKA_BROKERS: brokers,
                    KAFKA_TOPIC: topic,
                    KAFKA_GROUP_ID: groupId,
                    KAFKA_PARTITIONS: String(PARTITIONS),
                    ...(fetchBytes === undefined
                      ? {}
                      : { KAFKA_MAX_BYTES_PER_PARTITION: String(fetchBytes) }),
                  }),
                committed.reference,
              ),
          },
          switchyard: {
            label: 'switchyard keyed',
            run: () =>
              measure(
                (groupId) =>
                  spawnChild(
                    'switchyard',
                    [
                      ...['--kafka-brokers', brokers, '--topic', topic, '--group-id', groupId],
                      ...['--from-beginning', '--concurrency', String(CONCURRENCY)],
                      ...(fetchBytes === undefined
                        ? []
                        : ['--set', `kafka.maxBytesPerPartition=${fetchBytes}`]),
                      ...EXTRA_ARGS,
                    ],
                    {
                      ...env,
                      BENCH_CHILD__DAEMON__LOG_LEVEL: 'warn',
                      ...(CHILD_NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS: CHILD_NODE_OPTIONS }),
                    },
                  ),
                committed.switchyard,
              ),
          },
        });
      });
    }
  },
);
