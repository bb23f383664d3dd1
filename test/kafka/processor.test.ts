import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../servers/freePort.js';
import { spawnSwitchyard } from '../support/runSwitchyard.js';
import { until } from '../support/until.js';
import { handlerModule, projectDir, runProcessor, type RunningProcessor } from '../processor/support.js';
import { startRecordingServer } from '../processor/recordingServer.js';
import { createTopic } from '../processor/kafkaTopics.js';
import { brokerCases, committedOffsets, produceRaw, readAll } from './support.js';

// The AWS default provider chain reads these; fauxqs accepts any key.
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

const APP_CONFIG = fileURLToPath(new URL('../../apps/processor/config.yaml', import.meta.url));

let fauxqs: { address: string; stop(): Promise<void> };
beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false });
});
afterAll(async () => fauxqs.stop());

let processor: RunningProcessor | undefined;
afterEach(async () => {
  await processor?.stop();
  processor = undefined;
});

async function createQueue(name: string): Promise<string> {
  const sqs = new SQSClient({ endpoint: fauxqs.address, region: 'us-east-1' });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  sqs.destroy();
  return QueueUrl!;
}

async function receiveAll(queueUrl: string, expected: number): Promise<string[]> {
  const sqs = new SQSClient({ endpoint: fauxqs.address, region: 'us-east-1' });
  const bodies: string[] = [];
  try {
    await until(
      `${expected} messages on ${queueUrl}`,
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        bodies.push(...Messages.map((message) => message.Body ?? ''));
        return bodies.length >= expected;
      },
      30_000,
    );
  } finally {
    sqs.destroy();
  }
  return bodies;
}

describe.each(brokerCases)('switchyard process on Kafka $version', ({ brokers }) => {
  it.skipIf(brokers === '')(
    "runs the seed's example config (apps/processor, brokers aside): Kafka → handler → Kafka, then SIGTERM exits 0",
    async () => {
      // The seed's topics and group, on this suite's broker (a fresh one per run).
      await createTopic(brokers, 2, 'test');
      await createTopic(brokers, 2, 'test-out');
      const port = await freePort();
      const child = spawnSwitchyard([
        'process',
        APP_CONFIG,
        '--set',
        `source.brokers=${brokers}`,
        '--set',
        `sink.brokers=${brokers}`,
        '--healthcheck-port',
        String(port),
      ]);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout?.resume();
      try {
        // offset: latest, as the seed has it: produce only once the group has its partitions.
        await until(
          'the processor is ready',
          async () => {
            if (child.exitCode !== null) throw new Error(`switchyard exited ${child.exitCode}: ${stderr}`);
            const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
            return response?.status === 200;
          },
          60_000,
        );
        const records = Array.from({ length: 20 }, (_, index) => ({
          key: `k${index % 4}`,
          value: `event ${index}`,
        }));
        await produceRaw(brokers, 'test', records);
        const out = await readAll(brokers, 'test-out', 20);
        const values = out.map((record) => JSON.parse(String(record.value)) as Record<string, unknown>);
        expect(values.map((value) => value.greeting).sort()).toEqual(
          records.map((record) => `hello, ${record.value}`).sort(),
        );
        // partitioner: hash keeps the source key on each output record.
        for (const record of out) {
          const greeting = (JSON.parse(String(record.value)) as { greeting: string }).greeting;
          const index = Number(greeting.split(' ').at(-1));
          expect(String(record.key)).toBe(`k${index % 4}`);
        }
        // Both workers ran initContext (it logs "worker ready" to the worker's stderr).
        await until('both workers logged', () => (stderr.match(/worker ready/g) ?? []).length >= 2, 10_000);
        child.kill('SIGTERM');
        const [code] = (await once(child, 'exit')) as [number | null];
        expect(code, stderr).toBe(0);
        // Every source offset committed before the exit: a restart would not redo any of them.
        const committed = await committedOffsets(brokers, 'my-consumer-group', 'test');
        expect(Object.values(committed).reduce((sum, offset) => sum + Math.max(0, offset), 0)).toBe(
          records.length,
        );
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  );

  it.skipIf(brokers === '')('Kafka source → SQS sink: every record reaches the queue', async () => {
    const topic = await createTopic(brokers, 2);
    const queueUrl = await createQueue(`out-${topic}`);
    const dir = projectDir(
      `
processor:
  workers: 2
source:
  kind: kafka
  brokers: [${brokers}]
  topics: [${topic}]
  offset: earliest
sink:
  kind: sqs
  queueUrl: ${queueUrl}
  endpoint: ${fauxqs.address}
`,
      { 'handler.mjs': handlerModule('return data.toString().toUpperCase();') },
    );
    await produceRaw(
      brokers,
      topic,
      Array.from({ length: 15 }, (_, index) => ({ key: `k${index % 3}`, value: `kafka ${index}` })),
    );
    processor = await runProcessor(dir);
    await processor.running.finished(15);
    const bodies = await receiveAll(queueUrl, 15);
    expect(bodies.sort()).toEqual(Array.from({ length: 15 }, (_, index) => `KAFKA ${index}`).sort());
    expect(processor.outcomes.every((recorded) => recorded.outcome.kind === 'succeeded')).toBe(true);
  });

  it.skipIf(brokers === '')('SQS source → Kafka sink: every message reaches the topic', async () => {
    const topic = await createTopic(brokers, 1);
    const queueUrl = await createQueue(`in-${topic}`);
    const sqs = new SQSClient({ endpoint: fauxqs.address, region: 'us-east-1' });
    for (let index = 0; index < 12; index++)
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `sqs ${index}` }));
    sqs.destroy();
    const dir = projectDir(
      `
processor:
  workers: 2
source:
  kind: sqs
  queueUrl: ${queueUrl}
  endpoint: ${fauxqs.address}
sink:
  kind: kafka
  brokers: [${brokers}]
  topic: ${topic}
`,
      { 'handler.mjs': handlerModule("return { key: 'one-key', value: { seen: data.toString() } };") },
    );
    processor = await runProcessor(dir);
    await processor.running.finished(12);
    const records = await readAll(brokers, topic, 12);
    expect(
      records.map((record) => (JSON.parse(String(record.value)) as { seen: string }).seen).sort(),
    ).toEqual(Array.from({ length: 12 }, (_, index) => `sqs ${index}`).sort());
    expect(records.every((record) => String(record.key) === 'one-key')).toBe(true);
  });

  it.skipIf(brokers === '')(
    'a sink down for 10 s: nothing lost, nothing out of order within a key, every offset committed',
    async () => {
      const topic = await createTopic(brokers, 2);
      const sink = await startRecordingServer();
      const keys = ['a', 'b', 'c'];
      const perKey = 20;
      const records = Array.from({ length: keys.length * perKey }, (_, index) => {
        const key = keys[index % keys.length]!;
        return { key, value: `${key}:${Math.floor(index / keys.length)}` };
      });
      const dir = projectDir(
        `
processor:
  workers: 2
  mode: keyed
source:
  kind: kafka
  brokers: [${brokers}]
  topics: [${topic}]
  offset: earliest
  consumerGroup: sink-down
sink:
  kind: http
  url: ${sink.url}
  timeoutMs: 2000
consumer:
  maxAttempts: 1000
  backoffBaseSeconds: 0.2
  backoffMaxSeconds: 1
`,
        { 'handler.mjs': handlerModule('return data;') },
      );
      try {
        await sink.down();
        processor = await runProcessor(dir);
        await produceRaw(brokers, topic, records);
        // Down for 10 s while the messages arrive and fail.
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        const failedWhileDown = processor.outcomes.filter((recorded) => recorded.outcome.kind === 'failed');
        expect(failedWhileDown.length).toBeGreaterThan(0);
        expect(sink.received).toHaveLength(0);
        await sink.up();
        await until(
          'every record reached the sink',
          () => new Set(sink.received.map((post) => post.body)).size === records.length,
          60_000,
        );
        for (const key of keys) {
          const seqs = sink.received
            .map((post) => post.body.split(':'))
            .filter(([recordKey]) => recordKey === key)
            .map(([, seq]) => Number(seq));
          // First arrivals in order 0, 1, 2, …; a repeat could only follow an unconfirmed POST.
          const firsts = seqs.filter((seq, index) => seqs.indexOf(seq) === index);
          expect(firsts, `order of key ${key}`).toEqual(Array.from({ length: perKey }, (_, seq) => seq));
        }
        await processor.running.finished(records.length);
        expect(processor.outcomes.some((recorded) => recorded.outcome.kind === 'dead-lettered')).toBe(false);
        await processor.stop();
        processor = undefined;
        const committed = await committedOffsets(brokers, 'sink-down', topic);
        // -1: a partition none of the keys hashed to has no commit.
        expect(Object.values(committed).reduce((sum, offset) => sum + Math.max(0, offset), 0)).toBe(
          records.length,
        );
      } finally {
        await sink.close();
      }
    },
  );
});
