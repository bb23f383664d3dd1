import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { Squiss } from 'squiss-ts';
import { describe, it } from 'vitest';
import { order, OrderDaemon, resetHandler } from '../test/sqs/fixtures.js';
import { createQueue, elasticMq, finished, sqsClient, startDaemon } from '../test/sqs/support.js';
import { runScenario, type RoundResult } from './harness.js';
import { ROUNDS, serverRunning, setting, sleep, Stopwatch } from './support.js';

// switchyard, bbc sqs-consumer and squiss-ts on the same ElasticMQ, the same workload, alternating.
// Every round loads a fresh queue (not timed); the clock runs from the first handled message until
// the last one is deleted (switchyard counts a message once its delete returned, as the others do).
const MESSAGES = setting('BENCH_SQS_MESSAGES', 5000);
/** switchyard's concurrency, and squiss-ts's maxInFlight. sqs-consumer handles one batch of 10 at a time. */
const CONCURRENCY = setting('BENCH_SQS_CONCURRENCY', 64);
const client = sqsClient(elasticMq);
const work = (workMs: number) => (workMs > 0 ? () => sleep(workMs) : () => undefined);

async function loadedQueue(name: string): Promise<string> {
  const queue = await createQueue(client, name);
  const body = JSON.stringify(order('bench'));
  const batches = Array.from({ length: Math.ceil(MESSAGES / 10) }, (_, batch) =>
    Array.from({ length: Math.min(10, MESSAGES - batch * 10) }, (__, index) => ({
      Id: String(index),
      MessageBody: body,
    })),
  );
  // Eight requests at a time: loading is not measured, only waited for.
  for (let start = 0; start < batches.length; start += 8)
    await Promise.all(
      batches
        .slice(start, start + 8)
        .map((Entries) => client.send(new SendMessageBatchCommand({ QueueUrl: queue, Entries }))),
    );
  return queue;
}

/** switchyard with its defaults (2 ReceiveMessage calls at once, 10 per call, 20 s polls), `CONCURRENCY`. */
async function switchyard(workMs: number): Promise<RoundResult> {
  const queue = await loadedQueue('bench-switchyard');
  const watch = new Stopwatch(MESSAGES);
  const handle = work(workMs);
  resetHandler(() => {
    watch.first();
    return handle();
  });
  const running = await startDaemon(new OrderDaemon(), elasticMq, queue, [
    '--concurrency',
    String(CONCURRENCY),
    '--set',
    'sqs.waitTimeSeconds=20',
  ]);
  await finished(running, MESSAGES, 600_000);
  const round = watch.result();
  await running.stop();
  if (running.counter.get('succeeded') !== MESSAGES) throw new Error(running.counter.summaryLine());
  return round;
}

/** bbc sqs-consumer with its defaults and batchSize 10: one batch at a time, one delete per message. */
async function sqsConsumer(workMs: number): Promise<RoundResult> {
  const queue = await loadedQueue('bench-sqs-consumer');
  const watch = new Stopwatch(MESSAGES);
  const handle = work(workMs);
  const consumer = Consumer.create({
    queueUrl: queue,
    sqs: sqsClient(elasticMq),
    batchSize: 10,
    handleMessage: async (message) => {
      watch.first();
      JSON.parse(message.Body ?? '{}');
      await handle();
      return message;
    },
  });
  consumer.on('message_processed', () => watch.tick());
  consumer.start();
  await watch.reached;
  const round = watch.result();
  consumer.stop({ abort: true });
  return round;
}

/** squiss-ts: maxInFlight = switchyard's concurrency, receive and delete batches of 10. */
async function squiss(workMs: number): Promise<RoundResult> {
  const queue = await loadedQueue('bench-squiss');
  const watch = new Stopwatch(MESSAGES);
  const handle = work(workMs);
  const consumer = new Squiss({
    queueUrl: queue,
    awsConfig: { endpoint: elasticMq, region: 'us-east-1' },
    maxInFlight: CONCURRENCY,
    receiveBatchSize: 10,
    deleteBatchSize: 10,
  });
  consumer.on('message', (message) => {
    watch.first();
    JSON.parse(String(message.body));
    void Promise.resolve(handle()).then(() => message.del());
  });
  consumer.on('deleted', () => watch.tick());
  await consumer.start();
  await watch.reached;
  const round = watch.result();
  await consumer.stop();
  return round;
}

const references = {
  'sqs-consumer': { label: 'sqs-consumer (batch 10)', run: sqsConsumer },
  squiss: { label: `squiss-ts (maxInFlight ${CONCURRENCY})`, run: squiss },
} as const;

describe.skipIf(!serverRunning(elasticMq !== '', 'sqs-throughput', 'no ElasticMQ (java or mvn missing)'))(
  'SQS (ElasticMQ): throughput',
  () => {
    for (const workMs of [0, 10])
      for (const [name, reference] of Object.entries(references)) {
        const handler = workMs === 0 ? 'no-op' : `${workMs} ms async`;
        it(`${handler}: switchyard vs ${reference.label}`, async () => {
          await runScenario({
            name: `sqs-${workMs === 0 ? 'noop' : `${workMs}ms`}-vs-${name}`,
            settings: { server: 'ElasticMQ', messages: MESSAGES, handler, concurrency: CONCURRENCY },
            ...ROUNDS,
            ...(workMs > 0 ? { boundMsgsPerSec: (CONCURRENCY * 1000) / workMs } : {}),
            reference: { label: reference.label, run: () => reference.run(workMs) },
            switchyard: { label: 'switchyard', run: () => switchyard(workMs) },
          });
        });
      }
  },
);
