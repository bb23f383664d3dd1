import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { DEAD_LETTER_ATTRIBUTES } from '@switchyard/core';
import { MEDIA_TYPE_HEADER, NatsClient, NatsTransport } from '@switchyard/nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import {
  adminConnection,
  createStreams,
  deleteStreams,
  EVENT_MEDIA_TYPE,
  natsServers,
  natsSettings,
  publishRaw,
  silentLogger,
  spawnDaemon,
  storedMessages,
  testStream,
  unfinished,
  type RawMessage,
  type TestStream,
} from './support.js';

const DURABLE = 'release';
const MAX_ATTEMPTS = 3;
const RELEASES = MAX_ATTEMPTS + 2;
// Longer than a daemon process takes to stop and the next to start: one run per daemon.
const POISON_DELAY_SECONDS = 3;

function event(key: string, seq = 0): RawMessage {
  return { body: JSON.stringify({ key, seq }), headers: { [MEDIA_TYPE_HEADER]: EVENT_MEDIA_TYPE } };
}

describe.skipIf(natsServers === '')('NATS: a release spends no attempt', () => {
  let admin: NatsConnection;
  let names: TestStream | undefined;
  let dir: string;
  let record: string;
  const children: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    admin = await adminConnection();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    if (names !== undefined) await deleteStreams(admin, names);
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await admin?.close();
  });

  async function setUp(label: string): Promise<TestStream> {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-nats-release-'));
    record = join(dir, 'runs.log');
    names = testStream(label);
    // A 3 s ack_wait: a nak the server hands to a stopped consumer's pull request (nats-server 2.9
    // does) comes back after 3 s, not 30.
    await createStreams(admin, names, { durable: DURABLE, consumer: { ack_wait: nanos(3000) } });
    return names;
  }

  /** The attempt each run of the events with body key `key` was handed, in run order. */
  function attemptsOf(key: string): number[] {
    if (!existsSync(record)) return [];
    return readFileSync(record, 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .filter((parts) => parts.length === 3 && parts[0] === key)
      .map(([, , attempt]) => Number(attempt));
  }

  /** One daemon process (its own connection, nothing shared with the last one). */
  function start(): { child: ChildProcessWithoutNullStreams; stderr: () => string } {
    const args = [
      '--nats-servers',
      natsServers,
      '--stream',
      names!.stream,
      '--subject',
      names!.subject,
      '--durable',
      DURABLE,
      '--concurrency',
      '2',
    ];
    const child = spawnDaemon(
      args,
      record,
      {
        POISON_DELAY_SECONDS: String(POISON_DELAY_SECONDS),
        NATS_RELEASE_TEST__DAEMON__LOG_LEVEL: 'warn',
        NATS_RELEASE_TEST__CONSUMER__MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        NATS_RELEASE_TEST__CONSUMER__SHUTDOWN_TIMEOUT_MS: '300',
        NATS_RELEASE_TEST__CONSUMER__BACKOFF_BASE_SECONDS: '0.05',
        NATS_RELEASE_TEST__CONSUMER__BACKOFF_MAX_SECONDS: '0.2',
      },
      'releaseDaemon.ts',
    );
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    return { child, stderr: () => stderr };
  }

  /** SIGTERM, as a deploy stops it: the daemon drains, releases what it holds unrun, exits 0. */
  async function stop({ child, stderr }: ReturnType<typeof start>): Promise<void> {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, stderr()).toBe(0);
  }

  /**
   * A consumer's life as a stopping daemon ends it: its own connection, a receive that gets the
   * message, the poll's signal aborted (shutdown), the message released unrun, the transport
   * closed. The release is the transport's, as the daemon's runner calls it (a daemon cannot be
   * made to hold one given message unrun every time: which message of a key runs first is the
   * server's redelivery order).
   */
  async function releaseOnce(body: string): Promise<number> {
    const settings = natsSettings(names!, { durable: DURABLE, receiveWaitMs: 500 });
    const client = new NatsClient(settings, 'release-test', silentLogger);
    const transport = new NatsTransport(
      client,
      settings,
      { durable: DURABLE, maxAttempts: MAX_ATTEMPTS, prefetch: 2, releaseClient: client.use() },
      silentLogger,
    );
    const poll = new AbortController();
    try {
      for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
        const [message] = await transport.receive(1, poll.signal);
        if (message === undefined) continue;
        expect(new TextDecoder().decode(message.body as Uint8Array)).toBe(body);
        poll.abort();
        // As the daemon's runner hands back an unstarted message (nack(0) where there is no release).
        await (transport.release?.(message) ?? transport.nack(message, 0));
        return message.attempt;
      }
      throw new Error(`${body} was not delivered within 30 s`);
    } finally {
      await transport.close();
    }
  }

  it(`a message released ${RELEASES} times by consumers stopped before it ran runs as attempt 1 in a daemon, and is not dead-lettered`, async () => {
    await setUp('released');
    const body = JSON.stringify({ key: 'once', seq: 0 });
    await publishRaw(admin, names!.subject, [event('once')]);
    const seen: number[] = [];
    for (let round = 1; round <= RELEASES; round++) seen.push(await releaseOnce(body));
    // Each consumer was handed attempt 1: nothing ran it.
    expect(seen).toEqual(Array.from({ length: RELEASES }, () => 1));
    const daemon = start();
    // Its first run fails and is retried; a dead letter would finish it after one run.
    await until(
      'the released message is finished',
      async () => attemptsOf('once').length > 0 && (await unfinished(admin, names!.stream, DURABLE)) === 0,
      60_000,
    );
    await stop(daemon);
    expect(attemptsOf('once')).toEqual([1, 2]);
    expect(await storedMessages(admin, names!.deadLetterStream)).toEqual([]);
  }, 240_000);

  it('a handler aborted at the shutdown deadline spends no attempt: the next daemon runs it as attempt 1 again', async () => {
    await setUp('aborted');
    await publishRaw(admin, names!.subject, [event('hang')]);
    const first = start();
    await until('the handler is running', () => attemptsOf('hang').length === 1, 60_000);
    // The handler ignores the drain: the shutdown deadline (300 ms) aborts it and the daemon exits.
    await stop(first);
    const second = start();
    await until(
      'the aborted message is finished',
      async () => attemptsOf('hang').length >= 2 && (await unfinished(admin, names!.stream, DURABLE)) === 0,
      60_000,
    );
    await stop(second);
    const [firstRun, ...laterRuns] = attemptsOf('hang');
    expect(firstRun).toBe(1);
    // Recorded as a run, the abort would make every later delivery at least attempt 2 (runs + 1).
    // nats-server 2.9 can hand the released message out twice, once with a delivery count that
    // jumped (a delivery to the stopped daemon's pull request): the lowest attempt is the one to check.
    expect(Math.min(...laterRuns)).toBe(1);
    expect(await storedMessages(admin, names!.deadLetterStream)).toEqual([]);
  }, 240_000);

  it(`a poison message released ${RELEASES} times, then run by one daemon process after another, is dead-lettered after exactly ${MAX_ATTEMPTS} runs, x-attempts ${MAX_ATTEMPTS}`, async () => {
    await setUp('poison');
    const body = JSON.stringify({ key: 'poison', seq: 0 });
    await publishRaw(admin, names!.subject, [event('poison')]);
    for (let round = 1; round <= RELEASES; round++) await releaseOnce(body);
    // Each run asks to come back in POISON_DELAY_SECONDS, by when its daemon is gone: one daemon per run.
    for (let run = 1; run < MAX_ATTEMPTS; run++) {
      const daemon = start();
      await until(`run ${run}`, () => attemptsOf('poison').length === run, 60_000);
      await stop(daemon);
    }
    const daemon = start();
    await until(
      'the dead letter is stored',
      async () => (await storedMessages(admin, names!.deadLetterStream)).length > 0,
      60_000,
    );
    await stop(daemon);
    expect(attemptsOf('poison')).toEqual([1, 2, 3]);
    const [copy, ...more] = await storedMessages(admin, names!.deadLetterStream);
    expect(more).toEqual([]);
    expect(copy!.headers[DEAD_LETTER_ATTRIBUTES.attempts]).toBe(String(MAX_ATTEMPTS));
    expect(copy!.headers[DEAD_LETTER_ATTRIBUTES.reason]).toMatch(/^gave up after 3 attempts: poison/);
    expect(await unfinished(admin, names!.stream, DURABLE)).toBe(0);
  }, 240_000);
});
