import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ConsumerDaemon, MemoryBroker, rawHandlerModule, type RunningDaemon } from '@switchyard/core';
import { createKafkaClient, KafkaConfig, KafkaProducer, kafkaTransportFactory } from '@switchyard/kafka';
import { prepareProcessor } from '@switchyard/processor';
import { events, kafkaBrokers, produceRaw, silentLogger } from '../test/kafka/support.js';
import { createTopic } from '../test/processor/kafkaTopics.js';
import { startKafka, type RunningKafka } from '../test/servers/kafka.js';
import { projectDir } from '../test/processor/support.js';
import { runScenario, type RoundResult } from './harness.js';
import { WORKLOAD } from './kafka.js';
import { setting, Stopwatch } from './support.js';

// The processor on the embedded bus (memory source, no sink) and Kafka → Kafka: what the worker
// pool costs against the same handler run in a plain daemon's own thread, and what a second worker
// gives a CPU-bound handler.
const NOOP_MESSAGES = setting('BENCH_PROCESSOR_MESSAGES', 20_000);
const KAFKA_MESSAGES = setting('BENCH_PROCESSOR_KAFKA_MESSAGES', 20_000);
// Messages per worker at once on Kafka; 0: auto (8 for these async handlers).
const CONCURRENCY = Number(process.env.BENCH_PROCESSOR_CONCURRENCY ?? 0);
const CPU_MESSAGES = setting('BENCH_PROCESSOR_CPU_MESSAGES', 2000);
// ≈1 ms of sha256 on these machines (chained, so it cannot be skipped).
const HASH_ROUNDS = 1000;
const QUEUE = 64;
const rounds = { rounds: setting('BENCH_ROUNDS', 3), warmupRounds: Number(process.env.BENCH_WARMUP ?? 1) };

// async: the processor runs 8 of its messages at once per worker (processor.concurrency auto).
const NOOP_HANDLER = 'export async function handleEvent() { return undefined; }\n';
// What Kafka → Kafka runs: the message's bytes back, for the sink.
const PASS_THROUGH_HANDLER = 'export async function handleEvent(context, data) { return data; }\n';
const CPU_HANDLER = `import { createHash } from 'node:crypto';
export function handleEvent(context, data) {
  let digest = data;
  for (let round = 0; round < ${HASH_ROUNDS}; round++) digest = createHash('sha256').update(digest).digest();
  return undefined;
}
`;

/**
 * The machine's own ceiling for the CPU-bound ratio, at the moment of the run: plain worker threads
 * (no pool, no daemon) hashing `count` messages' worth between them; msgs/s.
 */
async function rawThreads(workers: number, count: number): Promise<number> {
  const code = `const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
for (let message = 0; message < workerData; message++) {
  let digest = Buffer.from('raw');
  for (let round = 0; round < ${HASH_ROUNDS}; round++) digest = createHash('sha256').update(digest).digest();
}
parentPort.postMessage('done');`;
  const started = performance.now();
  const each = Array.from({ length: workers }, () => {
    const worker = new Worker(code, { eval: true, workerData: count / workers });
    return new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  });
  await Promise.all(each);
  return count / ((performance.now() - started) / 1000);
}

const bodies = (count: number): string[] => Array.from({ length: count }, (_, index) => `event ${index}`);

/** One round of `switchyard process` on a memory source with `workers` workers. */
function processor(workers: number, handler: string, count: number): () => Promise<RoundResult> {
  const dir = projectDir(
    `processor:\n  workers: ${workers}\n  queueSize: ${QUEUE}\nsource:\n  kind: memory\n  queue: in\nsink:\n  kind: none\n`,
    { 'handler.mjs': handler },
  );
  const messages = bodies(count);
  return async () => {
    const prepared = await prepareProcessor(join(dir, 'config.yaml'), { env: {} });
    const running = await prepared.daemon.start({
      argv: [...prepared.argv, '--set', 'daemon.logLevel=silent', '--set', 'memory.waitMs=5'],
      env: {},
    });
    const queue = running.container.get(MemoryBroker).queue('in');
    const started = performance.now();
    for (const body of messages) queue.send(body);
    await running.finished(count);
    const seconds = (performance.now() - started) / 1000;
    await running.stop();
    await prepared.pool.close();
    return { messages: count, seconds };
  };
}

/** The topic a Kafka round reads and the one its handler's records go to. */
interface Topics {
  readonly topic: string;
  readonly out: string;
}

/**
 * One round of `switchyard process` Kafka → Kafka with `workers` workers: a fresh group reads
 * `topic` from the beginning and the handler's records go to `out`. The clock runs from the first
 * outcome to the `count`-th, so the group join and the workers' start are not counted.
 */
function kafkaProcessor(
  brokers: string,
  workers: number,
  { topic, out }: Topics,
  count: number,
): Promise<RoundResult> {
  const dir = projectDir(
    `processor:\n  workers: ${workers}\n  concurrency: ${CONCURRENCY}\n  queueSize: ${WORKLOAD.concurrency}\n  mode: keyed\n` +
      `source:\n  kind: kafka\n  brokers: [${brokers}]\n  topics: [${topic}]\n  offset: earliest\n` +
      `sink:\n  kind: kafka\n  brokers: [${brokers}]\n  topic: ${out}\n`,
    { 'handler.mjs': PASS_THROUGH_HANDLER },
  );
  return (async () => {
    const prepared = await prepareProcessor(join(dir, 'config.yaml'), {
      env: {},
      sets: [`source.consumerGroup=bench.processor-${randomUUID()}`],
    });
    if (prepared.pool.concurrency !== (CONCURRENCY || 8))
      throw new Error(`concurrency ${prepared.pool.concurrency}, not ${CONCURRENCY || 8}`);
    const running = await prepared.daemon.start({
      argv: [...prepared.argv, '--set', 'daemon.logLevel=silent'],
      env: {},
      logger: silentLogger,
    });
    return timedRound(running, count, async () => prepared.pool.close());
  })();
}

/** The same pass-through in a plain daemon: a raw handler sending each message's bytes to `out`. */
async function kafkaPlainDaemon(
  brokers: string,
  { topic, out }: Topics,
  count: number,
): Promise<RoundResult> {
  const settings = Object.assign(new KafkaConfig(), { brokers });
  const sink = new KafkaProducer(createKafkaClient(settings, 'bench-plain-sink', silentLogger), {
    defaultTopic: out,
    routes: {},
  });
  class PlainKafkaDaemon extends ConsumerDaemon {
    readonly name = 'bench-plain';
    override readonly transports = [kafkaTransportFactory];
    override readonly modules = [
      rawHandlerModule('pass-through', () => async (message) => {
        await sink.send({
          mediaType: 'application/octet-stream',
          body: message.body,
          attributes: {},
          key: message.key,
        });
      }),
    ];
  }
  const running = await new PlainKafkaDaemon().start({
    argv: [
      ...['--kafka-brokers', brokers, '--topic', topic, '--group-id', `bench.plain-${randomUUID()}`],
      ...['--mode', 'keyed', '--from-beginning', '--concurrency', String(WORKLOAD.concurrency)],
      ...['--set', 'kafka.groupNamePattern=^.+$', '--set', 'daemon.logLevel=silent'],
    ],
    env: {},
    logger: silentLogger,
  });
  return timedRound(running, count, async () => sink.close());
}

/** Waits for `count` outcomes, clocked from the first; stops the daemon, then `close`. */
async function timedRound(
  running: RunningDaemon,
  count: number,
  close: () => Promise<void>,
): Promise<RoundResult> {
  const watch = new Stopwatch(count);
  running.counter.onRecord(() => watch.first());
  try {
    await running.finished(count);
    const round = watch.result();
    if (running.counter.get('succeeded') < count) throw new Error(running.counter.summaryLine());
    return round;
  } finally {
    await running.stop();
    await close();
  }
}

/** The same no-op as a raw handler in a plain daemon's own thread: no pool, no copy to a worker. */
function plainDaemon(count: number): () => Promise<RoundResult> {
  let handled = 0;
  class PlainDaemon extends ConsumerDaemon {
    readonly name = 'bench-plain';
    override readonly modules = [rawHandlerModule('noop', () => () => void (handled += 1))];
  }
  const messages = bodies(count);
  return async () => {
    handled = 0;
    const running = await new PlainDaemon().start({
      argv: [
        '--set',
        `consumer.concurrency=${QUEUE}`,
        '--set',
        'memory.queue=in',
        '--set',
        'daemon.logLevel=silent',
        '--set',
        'memory.waitMs=5',
      ],
      env: {},
    });
    const queue = running.container.get(MemoryBroker).queue('in');
    const started = performance.now();
    for (const body of messages) queue.send(body);
    await running.finished(count);
    const seconds = (performance.now() - started) / 1000;
    await running.stop();
    if (handled !== count) throw new Error(`handled ${handled} of ${count}`);
    return { messages: count, seconds };
  };
}

for (const workers of [1, 2, 4])
  it(`processor, no-op handler, ${workers} worker(s) vs the same handler in a plain daemon`, async () => {
    await runScenario({
      name: `processor-noop-${workers}w`,
      settings: {
        messages: NOOP_MESSAGES,
        workers,
        concurrencyPerWorker: 8,
        queueSize: QUEUE,
        source: 'memory',
        sink: 'none',
        handler: 'async no-op',
      },
      ...rounds,
      reference: { label: 'plain daemon, raw handler', run: plainDaemon(NOOP_MESSAGES) },
      switchyard: {
        label: `processor, ${workers} worker(s)`,
        run: processor(workers, NOOP_HANDLER, NOOP_MESSAGES),
      },
    });
  });

it('processor, CPU-bound handler (≈1 ms of sha256): 2 workers vs 1', async () => {
  // The handler's cost here, for the record (the workers run the same loop).
  const started = performance.now();
  let digest: Buffer = Buffer.from('calibrate');
  for (let round = 0; round < HASH_ROUNDS; round++) digest = createHash('sha256').update(digest).digest();
  const handlerMs = performance.now() - started;
  const result = await runScenario({
    name: 'processor-cpu-2w-vs-1w',
    settings: {
      messages: CPU_MESSAGES,
      hashRounds: HASH_ROUNDS,
      handlerMs: Number(handlerMs.toFixed(2)),
      queueSize: QUEUE,
    },
    ...rounds,
    reference: { label: 'processor, 1 worker', run: processor(1, CPU_HANDLER, CPU_MESSAGES) },
    switchyard: { label: 'processor, 2 workers', run: processor(2, CPU_HANDLER, CPU_MESSAGES) },
  });
  // The machine's speed drifts between rounds; the two sides of one round ran back to back.
  const { switchyard, reference } = result.samples;
  const ratios = switchyard.map((rate, round) => (rate / reference[round]!).toFixed(2));
  process.stdout.write(`processor-cpu-2w-vs-1w, 2 workers ÷ 1 per round: ${ratios.join(', ')}\n`);
  // What 2 cores give plain threads right after: the ratio the processor can reach at this load.
  const ceiling: string[] = [];
  for (let round = 0; round < rounds.rounds; round++) {
    const one = await rawThreads(1, CPU_MESSAGES / 2);
    ceiling.push(((await rawThreads(2, CPU_MESSAGES / 2)) / one).toFixed(2));
  }
  process.stdout.write(`plain worker_threads, same hashing, 2 ÷ 1 per round: ${ceiling.join(', ')}\n`);
});

// Kafka 4.1.0: the broker of the run when there is one (a `kafka-*` scenario in it), else this file's own.
describe(`processor, Kafka → Kafka, async pass-through handler, ${KAFKA_MESSAGES} messages`, () => {
  let own: RunningKafka | undefined;
  let brokers = '';
  let version = '';
  const topics = { topic: '', out: '' };
  beforeAll(async () => {
    own = kafkaBrokers.length === 0 ? await startKafka('4.1.0') : undefined;
    ({ brokers, version } = own ?? kafkaBrokers[0]!);
    topics.topic = await createTopic(brokers, WORKLOAD.partitions);
    topics.out = await createTopic(brokers, WORKLOAD.partitions);
    await produceRaw(brokers, topics.topic, events(KAFKA_MESSAGES, WORKLOAD.keys), 5000);
  }, 180_000);
  afterAll(async () => own?.stop(), 60_000);

  for (const workers of [1, 2, 4])
    it(`${workers} worker(s) vs the same handler in a plain daemon`, async () => {
      await runScenario({
        name: `processor-kafka-${workers}w`,
        settings: {
          kafka: version,
          messages: KAFKA_MESSAGES,
          workers,
          concurrencyPerWorker: CONCURRENCY || 8,
          queueSize: WORKLOAD.concurrency,
          partitions: WORKLOAD.partitions,
          keys: WORKLOAD.keys,
          mode: 'keyed',
          handler: 'async pass-through (returns its bytes)',
        },
        ...rounds,
        reference: {
          label: 'plain daemon, raw handler sending to Kafka',
          run: () => kafkaPlainDaemon(brokers, topics, KAFKA_MESSAGES),
        },
        switchyard: {
          label: `processor, ${workers} worker(s)`,
          run: () => kafkaProcessor(brokers, workers, topics, KAFKA_MESSAGES),
        },
      });
    });
});
