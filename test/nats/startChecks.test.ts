import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { RunningDaemon } from '@switchyard/core';
import { NatsErrorCodes } from '@switchyard/nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../servers/freePort.js';
import { startNats } from '../servers/nats.js';
import { until } from '../support/until.js';
import {
  adminConnection,
  createStreams,
  deleteStreams,
  events,
  natsServerBinary,
  natsServers,
  publishRaw,
  spawnDaemon,
  startDaemon,
  testStream,
  unfinished,
  type DaemonOptions,
  type TestStream,
} from './support.js';

/** The start's failure: its message and the NATS error code it carries. */
async function startFailure(options: DaemonOptions): Promise<{ message: string; code: unknown }> {
  const error = await startDaemon(() => undefined, options).then(
    async (daemon) => {
      await daemon.stop();
      throw new Error('the daemon started');
    },
    (failure: unknown) => failure as Error,
  );
  return { message: error.message, code: (error.cause as { code?: unknown } | undefined)?.code };
}

describe.skipIf(natsServers === '')('NATS start-up checks', () => {
  let admin: NatsConnection;
  let daemon: RunningDaemon | undefined;
  const streams: TestStream[] = [];
  const names = (label: string): TestStream => {
    const created = testStream(label);
    streams.push(created);
    return created;
  };

  beforeAll(async () => {
    admin = await adminConnection();
  });
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    for (const created of streams.splice(0)) await deleteStreams(admin, created);
  });
  afterAll(async () => {
    await admin?.close();
  });

  it('a missing stream stops the start naming --stream and both fixes', async () => {
    const failure = await startFailure({ names: names('nostream') });
    expect(failure.code).toBe(NatsErrorCodes.STREAM_NOT_FOUND);
    expect(failure.message).toMatch(
      /^the nats transport could not start: the JetStream stream "sy_nostream_\w+" \(nats\.stream, --stream\) does not exist on .*; create it \(nats stream add .*\) or set nats\.createStream=true$/,
    );
  });

  it('with createStream and createConsumer, the stream, dead-letter stream and consumer are made and used', async () => {
    const created = names('create');
    daemon = await startDaemon(() => undefined, {
      names: created,
      extraArgs: ['--set', 'nats.createStream=true', '--set', 'nats.createConsumer=true'],
    });
    const jsm = await jetstreamManager(admin);
    expect((await jsm.streams.info(created.stream)).config.subjects).toEqual([created.subject]);
    expect((await jsm.streams.info(created.deadLetterStream)).config.subjects).toEqual([
      created.deadLetterSubject,
    ]);
    const consumer = await jsm.consumers.info(created.stream, 'nats-test');
    expect(consumer.config).toMatchObject({
      ack_policy: 'explicit',
      max_deliver: -1,
      filter_subject: created.subject,
    });
    await publishRaw(admin, created.subject, events(5, 1));
    await until('5 handled', () => daemon!.counter.get('succeeded') >= 5, 30_000);
    await daemon.stop();
    daemon = undefined;
    expect(await unfinished(admin, created.stream, 'nats-test')).toBe(0);
  });

  it('a missing consumer stops the start naming --durable and both fixes', async () => {
    const created = names('noconsumer');
    await createStreams(admin, created);
    const failure = await startFailure({ names: created, durable: 'absent' });
    expect(failure.code).toBe(NatsErrorCodes.CONSUMER_NOT_FOUND);
    expect(failure.message).toContain(
      'the durable consumer "absent" (nats.durable, --durable) does not exist',
    );
    expect(failure.message).toContain('or set nats.createConsumer=true');
  });

  it('a consumer whose max_deliver would drop a message before its dead letter is refused', async () => {
    const created = names('maxdeliver');
    await createStreams(admin, created, { durable: 'nats-test', consumer: { max_deliver: 3 } });
    const failure = await startFailure({ names: created, env: { NATS_TEST__CONSUMER__MAX_ATTEMPTS: '5' } });
    expect(failure.code).toBe(NatsErrorCodes.CONSUMER_MISMATCH);
    expect(failure.message).toMatch(/has max_deliver 3, not above consumer\.maxAttempts \(5\)/);
    expect(failure.message).toContain('--max-deliver=-1');
  });

  it('a consumer filtering another subject is refused, naming --subject', async () => {
    const created = names('filter');
    const jsm = await jetstreamManager(admin);
    const wider = created.subject.replace(/\.in$/, '.>');
    await jsm.streams.add({ name: created.stream, subjects: [wider] });
    await jsm.streams.add({ name: created.deadLetterStream, subjects: [created.deadLetterSubject] });
    await jsm.consumers.add(created.stream, {
      durable_name: 'nats-test',
      ack_policy: AckPolicy.Explicit,
      filter_subject: created.subject.replace(/\.in$/, '.other'),
    });
    const failure = await startFailure({ names: created });
    expect(failure.code).toBe(NatsErrorCodes.CONSUMER_MISMATCH);
    expect(failure.message).toContain(
      `filters ${created.subject.replace(/\.in$/, '.other')}, not nats.subject`,
    );
    expect(failure.message).toContain('set nats.subject (--subject) to its filter');
  });

  it('no stream for the dead-letter subject stops the start: a dead letter could never be confirmed', async () => {
    const created = names('nodlq');
    await createStreams(admin, created, { durable: 'nats-test', deadLetters: false });
    const failure = await startFailure({ names: created });
    expect(failure.code).toBe(NatsErrorCodes.DEAD_LETTER_STREAM_NOT_FOUND);
    expect(failure.message).toContain(
      `no JetStream stream captures the dead-letter subject "${created.deadLetterSubject}"`,
    );
  });

  it('a stream name NATS refuses is named with the flag', async () => {
    const failure = await startFailure({ names: { ...testStream('x'), stream: 'has.dots' } });
    expect(failure.code).toBe(NatsErrorCodes.NAME_INVALID);
    expect(failure.message).toContain(
      'nats.stream (--stream) "has.dots" has a character NATS does not allow',
    );
  });

  it('no server at the address stops the start naming --nats-servers', async () => {
    const servers = `127.0.0.1:${await freePort()}`;
    const failure = await startFailure({
      names: testStream('down'),
      servers,
      env: { NATS_TEST__NATS__CONNECT_TIMEOUT_MS: '1000' },
    });
    expect(failure.code).toBe(NatsErrorCodes.UNREACHABLE);
    expect(failure.message).toContain(
      `could not connect to NATS at ${servers} (nats.servers, --nats-servers)`,
    );
  });

  it.skipIf(!natsServerBinary)('a server without JetStream stops the start naming -js', async () => {
    const plain = await startNats({ jetStream: false });
    try {
      const failure = await startFailure({ names: testStream('nojs'), servers: plain.servers });
      expect(failure.code).toBe(NatsErrorCodes.JETSTREAM_DISABLED);
      expect(failure.message).toContain('has no JetStream');
      expect(failure.message).toContain('start nats-server with -js');
    } finally {
      await plain.stop();
    }
  });

  it('a real process: exit status 1 and one line on stderr naming the stream and the fix', async () => {
    const created = names('exit');
    const child = spawnDaemon([
      '--nats-servers',
      natsServers,
      '--stream',
      created.stream,
      '--subject',
      created.subject,
    ]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(status).toBe(1);
    expect(stderr.trim().split('\n').at(-1)).toMatch(
      /^nats-crash-test: cannot start: the nats transport could not start: the JetStream stream "sy_exit_\w+" \(nats\.stream, --stream\) does not exist/,
    );
  });
});
