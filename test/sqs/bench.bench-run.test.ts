import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { describe, expect, it } from 'vitest';
import { order, OrderDaemon, resetHandler, sleep } from './fixtures.js';
import { createQueue, elasticMq, finished, noElasticMq, sqsClient, startDaemon } from './support.js';

// msgs/s of switchyard and bbc sqs-consumer on the same ElasticMQ, same workload, alternating.
// Run with BENCH=1; it is a measurement, not a test, so it asserts only that every message arrived.
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 10; // sqs-consumer handles one batch of 10 at a time
const client = sqsClient(elasticMq);

async function loadedQueue(name: string): Promise<string> {
  const queue = await createQueue(client, name);
  const body = JSON.stringify(order('bench'));
  for (let start = 0; start < MESSAGES; start += 10)
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queue,
        Entries: Array.from({ length: Math.min(10, MESSAGES - start) }, (_, index) => ({
          Id: String(index),
          MessageBody: body,
        })),
      }),
    );
  return queue;
}

async function switchyard(workMs: number): Promise<number> {
  const queue = await loadedQueue('bench-switchyard');
  resetHandler(workMs > 0 ? () => sleep(workMs) : () => undefined);
  const startedAt = performance.now();
  const running = await startDaemon(new OrderDaemon(), elasticMq, queue, [
    '--concurrency',
    String(CONCURRENCY),
    '--set',
    'sqs.waitTimeSeconds=20',
  ]);
  await finished(running, MESSAGES, 600_000);
  const seconds = (performance.now() - startedAt) / 1000;
  await running.stop();
  expect(running.counter.get('succeeded')).toBe(MESSAGES);
  return MESSAGES / seconds;
}

async function sqsConsumer(workMs: number): Promise<number> {
  const queue = await loadedQueue('bench-sqs-consumer');
  let processed = 0;
  let done!: () => void;
  const allDone = new Promise<void>((resolve) => (done = resolve));
  const startedAt = performance.now();
  const consumer = Consumer.create({
    queueUrl: queue,
    sqs: sqsClient(elasticMq),
    batchSize: 10,
    handleMessage: async (message) => {
      JSON.parse(message.Body ?? '{}');
      if (workMs > 0) await sleep(workMs);
      return message;
    },
  });
  consumer.on('message_processed', () => {
    if (++processed === MESSAGES) done();
  });
  consumer.start();
  await allDone;
  const seconds = (performance.now() - startedAt) / 1000;
  consumer.stop({ abort: true });
  return MESSAGES / seconds;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe.skipIf(noElasticMq)('bench: switchyard vs sqs-consumer on ElasticMQ', () => {
  it.skipIf(!process.env.BENCH)(
    'measures msgs/s for a no-op and a 10 ms handler',
    async () => {
      const rows: string[] = [];
      for (const workMs of [0, 10]) {
        const ours: number[] = [];
        const theirs: number[] = [];
        for (let round = 0; round < ROUNDS; round += 1) {
          ours.push(await switchyard(workMs));
          theirs.push(await sqsConsumer(workMs));
        }
        const [a, b] = [median(ours), median(theirs)];
        rows.push(
          `| ${workMs === 0 ? 'no-op' : `${workMs} ms`} handler | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a / b).toFixed(2)} | ${ours.map((v) => v.toFixed(0)).join(', ')} / ${theirs.map((v) => v.toFixed(0)).join(', ')} |`,
        );
      }
      process.stdout.write(
        [
          '',
          `${MESSAGES} messages per run, ${ROUNDS} rounds, concurrency ${CONCURRENCY}, medians in msgs/s`,
          '| workload | switchyard | sqs-consumer | ratio | runs (switchyard / sqs-consumer) |',
          '| --- | --- | --- | --- | --- |',
          ...rows,
          '',
        ].join('\n'),
      );
    },
    1_800_000,
  );
});
