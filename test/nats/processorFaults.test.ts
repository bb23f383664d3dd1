import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DEAD_LETTER_ATTRIBUTES } from '@switchyard/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { firstArrivals, startRecordingServer, type RecordingServer } from '../processor/recordingServer.js';
import { handlerModule, projectDir, runProcessor, type RunningProcessor } from '../processor/support.js';
import { spawnSwitchyard } from '../support/runSwitchyard.js';
import { until } from '../support/until.js';
import {
  adminConnection,
  createStreams,
  deleteStreams,
  natsServers,
  publishRaw,
  storedMessages,
  testStream,
  unfinished,
  type TestStream,
} from './support.js';

const DURABLE = 'processor';

/**
 * The processor's faults with a NATS JetStream source (issue 14): its real worker pool (tinypool
 * threads) in this process, or the `switchyard process` command as a child process. The source
 * runs in `in-order` mode: on NATS a retried message is redelivered after its delay, so only
 * in-order (one message out at a time) keeps order across a retry.
 */
describe.skipIf(natsServers === '')('switchyard process on NATS JetStream: faults', () => {
  let admin: NatsConnection;
  let processor: RunningProcessor | undefined;
  let sink: RecordingServer | undefined;
  const streams: TestStream[] = [];
  const extraStreams: string[] = [];

  beforeAll(async () => {
    admin = await adminConnection();
  });
  afterEach(async () => {
    await processor?.stop();
    processor = undefined;
    await sink?.close();
    sink = undefined;
    for (const names of streams.splice(0)) await deleteStreams(admin, names);
    const jsm = await jetstreamManager(admin);
    for (const name of extraStreams.splice(0)) await jsm.streams.delete(name).catch(() => undefined);
  });
  afterAll(async () => {
    await admin?.close();
  });

  /** The source stream, its dead-letter stream and an in-order durable (max_ack_pending 1). */
  async function source(label: string): Promise<TestStream> {
    const names = testStream(label);
    streams.push(names);
    await createStreams(admin, names, { durable: DURABLE, consumer: { max_ack_pending: 1 } });
    return names;
  }

  const sourceYaml = (names: TestStream): string => `
source:
  kind: nats
  servers: [${natsServers}]
  stream: ${names.stream}
  subject: ${names.subject}
  durable: ${DURABLE}`;

  const bodiesOf = (messages: ReadonlyArray<{ body: Buffer }>): string[] =>
    messages.map(({ body }) => body.toString('utf8'));

  it('a worker that crashes mid-message (NATS → NATS): retried in its place, dead-lettered after maxWorkerCrashes with the reason; the rest reach the sink in order', async () => {
    const names = await source('proccrash');
    const outStream = `${names.stream}_OUT`;
    const outSubject = `${names.subject}.out`;
    extraStreams.push(outStream);
    await (await jetstreamManager(admin)).streams.add({ name: outStream, subjects: [outSubject] });
    const bodies = ['m0', 'm1', 'm2', 'crash', 'm3', 'm4', 'm5'];
    await publishRaw(
      admin,
      names.subject,
      bodies.map((body) => ({ body })),
    );
    const dir = projectDir(
      `
processor:
  workers: 2
  maxWorkerCrashes: 2
  mode: in-order
${sourceYaml(names)}
sink:
  kind: nats
  servers: [${natsServers}]
  subject: ${outSubject}
consumer:
  maxAttempts: 10
  backoffBaseSeconds: 0.05
  backoffMaxSeconds: 0.2
`,
      {
        'handler.mjs': handlerModule(`
  if (data.toString() === 'crash') process.exit(3);
  return 'ok ' + data.toString();
`),
      },
    );
    processor = await runProcessor(dir);
    await processor.running.finished(bodies.length);
    const kinds = processor.outcomes.map((recorded) => recorded.outcome.kind);
    expect(kinds.filter((kind) => kind === 'succeeded')).toHaveLength(bodies.length - 1);
    // The first crash is a failure (retried), the second a dead letter.
    expect(kinds.filter((kind) => kind !== 'succeeded').sort()).toEqual(['dead-lettered', 'failed']);

    const deadLetters = await storedMessages(admin, names.deadLetterStream);
    expect(bodiesOf(deadLetters)).toEqual(['crash']);
    expect(deadLetters[0]!.headers[DEAD_LETTER_ATTRIBUTES.reason]).toMatch(
      /^rejected: the worker crashed 2 times on this message \(processor.maxWorkerCrashes 2\); last: /,
    );
    expect(deadLetters[0]!.headers[DEAD_LETTER_ATTRIBUTES.attempts]).toBe('2');
    // One message out at a time: the crashing one held its place, nothing after it overtook it.
    const out = await storedMessages(admin, outStream);
    expect(bodiesOf(out)).toEqual(bodies.filter((body) => body !== 'crash').map((body) => `ok ${body}`));
    await processor.stop();
    processor = undefined;
    expect(await unfinished(admin, names.stream, DURABLE)).toBe(0);
  });

  // keyed retries in place with the key's later messages held behind (KeyLanes); in-order has one out at a time.
  it.each(['keyed', 'in-order'])(
    'a sink down for 10 s (NATS → HTTP, mode %s): nothing lost, no key out of order, the source consumer ends empty',
    async (mode) => {
      const names = await source('procsink');
      sink = await startRecordingServer();
      const keys = ['a', 'b', 'c'];
      const perKey = 10;
      const bodies = Array.from({ length: keys.length * perKey }, (_, index) => {
        const key = keys[index % keys.length]!;
        return `${key}:${Math.floor(index / keys.length)}`;
      });
      const dir = projectDir(
        `
processor:
  workers: 2
  mode: ${mode}
${sourceYaml(names)}
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
      await sink.down();
      processor = await runProcessor(dir);
      await publishRaw(
        admin,
        names.subject,
        bodies.map((body) => ({ body, headers: { 'x-message-key': body.split(':')[0]! } })),
      );
      // Down for 10 s while the messages wait and fail.
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      const failedWhileDown = processor.outcomes.filter((recorded) => recorded.outcome.kind === 'failed');
      expect(failedWhileDown.length).toBeGreaterThan(0);
      expect(sink.received).toHaveLength(0);
      await sink.up();
      await until(
        'every message reached the sink',
        () => new Set(sink!.received.map((post) => post.body)).size === bodies.length,
        60_000,
      );
      const received = sink.received.map((post) => post.body);
      for (const key of keys)
        expect(firstArrivals(received, key), `order of key ${key}`).toEqual(
          Array.from({ length: perKey }, (_, seq) => seq),
        );
      await processor.running.finished(bodies.length);
      expect(processor.outcomes.some((recorded) => recorded.outcome.kind === 'dead-lettered')).toBe(false);
      await processor.stop();
      processor = undefined;
      expect(await unfinished(admin, names.stream, DURABLE)).toBe(0);
      expect(await storedMessages(admin, names.deadLetterStream)).toEqual([]);
    },
  );

  it('SIGTERM drains the pool: the messages in the workers finish, reach the sink and are acked, then the process exits 0', async () => {
    const names = testStream('procterm');
    streams.push(names);
    // Unordered, so both messages are in a worker at once.
    await createStreams(admin, names, { durable: DURABLE });
    sink = await startRecordingServer();
    const dir = projectDir(
      `
processor:
  workers: 2
  mode: unordered
${sourceYaml(names)}
sink:
  kind: http
  url: ${sink.url}
`,
      {
        'handler.mjs': `import { appendFileSync } from 'node:fs';
export async function handleEvent(context, data) {
  appendFileSync(new URL('./started.log', import.meta.url), data.toString() + '\\n');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  return 'done ' + data.toString();
}
`,
      },
    );
    const started = join(dir, 'started.log');
    const startedCount = (): number =>
      existsSync(started) ? readFileSync(started, 'utf8').split('\n').filter(Boolean).length : 0;
    const child = spawnSwitchyard(['process', join(dir, 'config.yaml')]);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.resume();
    try {
      await publishRaw(admin, names.subject, [{ body: 'm1' }, { body: 'm2' }]);
      await until(
        'both messages are in a worker',
        () => {
          if (child.exitCode !== null) throw new Error(`switchyard exited ${child.exitCode}: ${stderr}`);
          return startedCount() === 2;
        },
        60_000,
      );
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, stderr).toBe(0);
      expect(sink.received.map((post) => post.body).sort()).toEqual(['done m1', 'done m2']);
      expect(await unfinished(admin, names.stream, DURABLE)).toBe(0);
      expect(startedCount(), 'each ran once').toBe(2);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
