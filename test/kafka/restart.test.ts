import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KAFKA_DEAD_LETTER_HEADERS, type KafkaMode } from '@switchyard/kafka';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  brokerCases,
  client,
  createTopic,
  EVENT_MEDIA_TYPE,
  kafkaBrokers,
  produceRaw,
  readAll,
  waitFor,
  type RawRecord,
} from './support.js';

// Issue 17: what a stop or a crash redoes. Each daemon runs in its own process (test/kafka/child/
// scriptedDaemon.ts) so it can be SIGKILLed or SIGTERMed; it records each run's start and end.

const CHILD_DIR = fileURLToPath(new URL('./child/', import.meta.url));

interface Run {
  what: 'start' | 'done' | 'fail';
  seq: number;
  attempt: number;
}

function runs(file: string): Run[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((parts) => parts.length === 4)
    .map(([what, seq, attempt]) => ({
      what: what as Run['what'],
      seq: Number(seq),
      attempt: Number(attempt),
    }));
}

/** `count` events on one partition, each with its own key and seq = its offset. */
function distinctEvents(count: number): RawRecord[] {
  return Array.from({ length: count }, (_, seq) => ({
    key: `k${seq}`,
    value: JSON.stringify({ key: `k${seq}`, seq }),
    headers: { media_type: EVENT_MEDIA_TYPE },
  }));
}

interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<void>;
}

function startChild(
  brokers: string,
  topic: string,
  groupId: string,
  mode: KafkaMode,
  file: string,
  env: Record<string, string> = {},
): Child {
  const child = spawn(
    process.execPath,
    [
      '--import',
      join(CHILD_DIR, 'register.ts'),
      join(CHILD_DIR, 'scriptedDaemon.ts'),
      ...['--kafka-brokers', brokers, '--topic', topic, '--group-id', groupId, '--mode', mode],
      ...['--from-beginning', '--concurrency', '16'],
    ],
    {
      env: {
        ...process.env,
        RECORD_FILE: file,
        // The broker's minimum: a killed member's partitions move on after 6 s, not 30.
        KAFKA_SCRIPTED_TEST__KAFKA__SESSION_TIMEOUT_MS: '6000',
        KAFKA_SCRIPTED_TEST__KAFKA__HEARTBEAT_INTERVAL_MS: '1000',
        KAFKA_SCRIPTED_TEST__DAEMON__LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { process: child, output: () => output, exited };
}

/** The committed offset and metadata of partition 0. */
async function committed(
  brokers: string,
  groupId: string,
  topic: string,
): Promise<{ offset: number; metadata: string | null }> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const partition = entry?.partitions.find((found) => found.partition === 0);
    return { offset: Number(partition?.offset ?? -1), metadata: partition?.metadata ?? null };
  } finally {
    await admin.disconnect();
  }
}

/** Waits (up to `ms`) until the committed metadata differs from `before`; true if it did. */
async function metadataChanged(
  brokers: string,
  groupId: string,
  topic: string,
  before: string | null,
  ms = 5000,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await committed(brokers, groupId, topic)).metadata !== before) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const seqsOf = (list: Run[], what: Run['what']): number[] =>
  [...new Set(list.filter((run) => run.what === what).map(({ seq }) => seq))].sort((a, b) => a - b);

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)('Kafka $version: restarts', ({ brokers }) => {
  const children: Child[] = [];
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-restart-'));
  });
  afterEach(() => {
    for (const child of children.splice(0))
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const start = (...args: Parameters<typeof startChild>): Child => {
    const child = startChild(...args);
    children.push(child);
    return child;
  };

  it.each<KafkaMode>(['unordered', 'keyed'])(
    '%s: a crash after 5–9 of 0–9 finished (0–4 still running) redoes only 0–4',
    async (mode) => {
      const topic = await createTopic(brokers);
      const groupId = `kafka-scripted-test.crash-${mode}-${Date.now()}`;
      await produceRaw(brokers, topic, distinctEvents(10));
      const first = join(dir, 'first.log');
      const victim = start(brokers, topic, groupId, mode, first, { BLOCK_SEQS: '0,1,2,3,4' });
      await waitFor(
        () => seqsOf(runs(first), 'done').length === 5 && seqsOf(runs(first), 'start').length === 10,
        60_000,
        `5–9 finished and 0–4 running (output: ${victim.output()})`,
      );
      expect(seqsOf(runs(first), 'done')).toEqual([5, 6, 7, 8, 9]);
      // Killed once the commit loop has committed what finished (an interval: 500 ms).
      await metadataChanged(brokers, groupId, topic, null);
      victim.process.kill('SIGKILL');
      await victim.exited;
      expect((await committed(brokers, groupId, topic)).offset).toBe(0);

      const second = join(dir, 'second.log');
      start(brokers, topic, groupId, mode, second);
      await waitFor(() => seqsOf(runs(second), 'done').length >= 5, 60_000, '0–4 handled again');
      await sleep(2000); // anything else would have run by now
      expect(seqsOf(runs(second), 'start')).toEqual([0, 1, 2, 3, 4]);
      console.log(
        `FIGURE kafka crash ${mode}: redid ${runs(second).filter((run) => run.what === 'start').length} of 10 (5 were in flight)`,
      );
    },
  );

  it.each<KafkaMode>(['keyed', 'unordered'])(
    '%s: SIGTERM while one message waits in retry backoff runs only that one again after the restart',
    async (mode) => {
      const topic = await createTopic(brokers);
      const groupId = `kafka-scripted-test.term-${mode}-${Date.now()}`;
      await produceRaw(brokers, topic, distinctEvents(10));
      const first = join(dir, 'first.log');
      const stopped = start(brokers, topic, groupId, mode, first, { NACK_FIRST_SEQS: '2' });
      await waitFor(
        () => seqsOf(runs(first), 'done').length === 9 && seqsOf(runs(first), 'fail').includes(2),
        60_000,
        `all but 2 finished, 2 waiting to retry (output: ${stopped.output()})`,
      );
      stopped.process.kill('SIGTERM');
      await stopped.exited;
      expect(stopped.process.exitCode).toBe(0);
      expect((await committed(brokers, groupId, topic)).offset).toBe(2);

      const second = join(dir, 'second.log');
      start(brokers, topic, groupId, mode, second);
      await waitFor(
        () => seqsOf(runs(second), 'done').includes(2),
        60_000,
        'seq 2 retried after the restart',
      );
      await sleep(2000);
      expect(runs(second).filter((run) => run.what === 'start')).toEqual([
        { what: 'start', seq: 2, attempt: 2 },
      ]);
    },
  );

  it('a handler that always throws, the daemon SIGKILLed after each attempt: dead-lettered after maxAttempts runs in all', async () => {
    const maxAttempts = 3;
    const topic = await createTopic(brokers);
    const groupId = `kafka-scripted-test.poison-${Date.now()}`;
    await produceRaw(brokers, topic, distinctEvents(5));
    const env = {
      FAIL_SEQS: '3',
      KAFKA_SCRIPTED_TEST__CONSUMER__MAX_ATTEMPTS: String(maxAttempts),
      // Full jitter up to 10 minutes: each process (almost always) gets one attempt before the kill.
      KAFKA_SCRIPTED_TEST__CONSUMER__BACKOFF_BASE_SECONDS: '600',
      KAFKA_SCRIPTED_TEST__CONSUMER__BACKOFF_MAX_SECONDS: '600',
    };
    const all: Run[] = [];
    let deadLettered = false;
    for (let process = 1; process <= maxAttempts + 1 && !deadLettered; process += 1) {
      const file = join(dir, `run-${process}.log`);
      const before = (await committed(brokers, groupId, topic)).metadata;
      const child = start(brokers, topic, groupId, 'keyed', file, env);
      await waitFor(
        () => runs(file).some((run) => run.seq === 3 && run.what === 'fail'),
        60_000,
        `seq 3 attempted in process ${process} (output: ${child.output()})`,
      );
      // The failure is committed (with its count) within a commit interval; then the kill.
      await metadataChanged(brokers, groupId, topic, before);
      await sleep(300); // a dead letter after the last attempt is produced and committed meanwhile
      deadLettered = (await committed(brokers, groupId, topic)).offset === 5;
      child.process.kill('SIGKILL');
      await child.exited;
      all.push(...runs(file));
    }
    const poison = all.filter((run) => run.seq === 3 && run.what === 'start');
    expect(poison.map(({ attempt }) => attempt)).toEqual([1, 2, 3]);
    expect(deadLettered).toBe(true);
    const [letter] = await readAll(brokers, `${topic}.dlt`, 1);
    expect(String(letter?.headers?.[KAFKA_DEAD_LETTER_HEADERS.attempts])).toBe(String(maxAttempts));
    expect(JSON.parse(String(letter?.value))).toMatchObject({ seq: 3 });
  });
});
