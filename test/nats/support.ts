import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, headers as newHeaders, nanos, type NatsConnection } from '@nats-io/transport-node';
import { ConsumerDaemon, handles, type HandlerContext, type RunningDaemon } from '@switchyard/core';
import { MEDIA_TYPE_HEADER, NATS_KEY_HEADER, NatsConfig, natsTransportFactory } from '@switchyard/nats';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { EVENT_MEDIA_TYPE, TestEvent } from '../kafka/child/TestEvent.js';

export { EVENT_MEDIA_TYPE, TestEvent };

export const natsServers = inject('natsServers');
export const natsServerBinary = inject('natsServerBinary');
export const silentLogger = pino({ level: process.env.NATS_TEST_LOG ?? 'silent' });

/** One test's stream, its subject, the dead-letter stream, all with unique names. */
export interface TestStream {
  readonly stream: string;
  /** The subject messages are published to (the consumer's filter). */
  readonly subject: string;
  readonly deadLetterStream: string;
  /** `dead-letter.<stream>`, the transport's default. */
  readonly deadLetterSubject: string;
}

/** Unique names for one test: stream `sy_<tag>` on `sy.<tag>.in`, dead letters on `dead-letter.sy_<tag>`. */
export function testStream(label = 't'): TestStream {
  const tag = `${label}_${randomUUID().slice(0, 8)}`;
  const stream = `sy_${tag}`;
  return {
    stream,
    subject: `sy.${tag}.in`,
    deadLetterStream: `${stream}_DEAD_LETTER`,
    deadLetterSubject: `dead-letter.${stream}`,
  };
}

/** A connection for the test's own look at the server (not the transport's). */
export function adminConnection(servers = natsServers): Promise<NatsConnection> {
  return connect({ servers, name: 'switchyard-test-admin' });
}

export interface StreamOptions {
  /** Create the dead-letter stream too (default true). */
  readonly deadLetters?: boolean;
  /** Create this durable pull consumer on the subject (explicit acks, max_deliver -1). */
  readonly durable?: string;
  readonly consumer?: Partial<ConsumerConfig>;
}

/**
 * Creates the stream (and dead-letter stream, consumer) as a user's infrastructure code would; file
 * storage, the server's default, so a restart keeps them.
 */
export async function createStreams(
  connection: NatsConnection,
  names: TestStream,
  options: StreamOptions = {},
): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(connection);
  await jsm.streams.add({
    name: names.stream,
    subjects: [names.subject],
  });
  if (options.deadLetters ?? true)
    await jsm.streams.add({ name: names.deadLetterStream, subjects: [names.deadLetterSubject] });
  if (options.durable !== undefined)
    await jsm.consumers.add(names.stream, {
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: names.subject,
      max_deliver: -1,
      ack_wait: nanos(30_000),
      ...options.consumer,
    });
  return jsm;
}

/** Deletes the test's streams (their consumers go with them); missing ones are fine. */
export async function deleteStreams(connection: NatsConnection, names: TestStream): Promise<void> {
  const jsm = await jetstreamManager(connection);
  for (const stream of [names.stream, names.deadLetterStream])
    await jsm.streams.delete(stream).catch(() => undefined);
}

export interface RawMessage {
  readonly body: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as Nats-Msg-Id. */
  readonly msgId?: string;
}

/** Publishes in order, each confirmed by JetStream. */
export async function publishRaw(
  connection: NatsConnection,
  subject: string,
  messages: readonly RawMessage[],
): Promise<void> {
  const js = jetstream(connection);
  for (const { body, headers, msgId } of messages) {
    const natsHeaders = newHeaders();
    for (const [name, value] of Object.entries(headers ?? {})) natsHeaders.set(name, value);
    await js.publish(subject, body, {
      headers: natsHeaders,
      ...(msgId === undefined ? {} : { msgID: msgId }),
    });
  }
}

export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/** Every message a stream holds, read by sequence (nothing consumed). */
export async function storedMessages(connection: NatsConnection, stream: string): Promise<StoredMessage[]> {
  const jsm = await jetstreamManager(connection);
  const info = await jsm.streams.info(stream);
  const stored: StoredMessage[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
    const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (message === null) continue;
    const headers: Record<string, string> = {};
    for (const [name, values] of message.header ?? []) headers[name] = values[0] ?? '';
    stored.push({ seq, subject: message.subject, body: Buffer.from(message.data), headers });
  }
  return stored;
}

/** Messages the durable has not finished: not yet delivered, plus delivered and not acked or termed. */
export async function unfinished(
  connection: NatsConnection,
  stream: string,
  durable: string,
): Promise<number> {
  const info = await (await jetstreamManager(connection)).consumers.info(stream, durable);
  return info.num_pending + info.num_ack_pending;
}

/** The transport's settings for one test stream. */
export function natsSettings(names: TestStream, overrides: Partial<NatsConfig> = {}): NatsConfig {
  return Object.assign(new NatsConfig(), {
    servers: natsServers,
    stream: names.stream,
    subject: names.subject,
    ...overrides,
  });
}

export type EventHandler = (event: TestEvent, context: HandlerContext) => Promise<void> | void;

export interface DaemonOptions {
  readonly names: TestStream;
  readonly servers?: string;
  readonly durable?: string;
  readonly concurrency?: number;
  /** More flags, e.g. `--set nats.createStream=true`. */
  readonly extraArgs?: readonly string[];
  /** `NATS_TEST__…` variables. */
  readonly env?: Record<string, string>;
  readonly logger?: Logger;
}

/** A daemon on NATS with one handler for TestEvent, configured through its real flags. */
export function startDaemon(handler: EventHandler, options: DaemonOptions): Promise<RunningDaemon> {
  const handlerFunction = handles(TestEvent)((message: object, context: HandlerContext) =>
    handler(message as TestEvent, context),
  );
  class NatsTestDaemon extends ConsumerDaemon {
    readonly name = 'nats-test';
    override readonly handlers = [handlerFunction];
    override readonly transports = [natsTransportFactory];
  }
  return new NatsTestDaemon().start({
    argv: [
      '--nats-servers',
      options.servers ?? natsServers,
      '--stream',
      options.names.stream,
      '--subject',
      options.names.subject,
      '--durable',
      options.durable ?? 'nats-test',
      '--concurrency',
      String(options.concurrency ?? 16),
      ...(options.extraArgs ?? []),
    ],
    env: {
      NATS_TEST__CONSUMER__BACKOFF_BASE_SECONDS: '0.05',
      NATS_TEST__CONSUMER__BACKOFF_MAX_SECONDS: '0.2',
      ...options.env,
    },
    logger: options.logger ?? silentLogger,
  });
}

/** `count` TestEvents over `keys` keys (each key's seq counting up), the media type and key in headers. */
export function events(count: number, keys: number): RawMessage[] {
  const seqByKey = new Map<string, number>();
  return Array.from({ length: count }, (_, index) => {
    const key = `k${index % keys}`;
    const seq = seqByKey.get(key) ?? 0;
    seqByKey.set(key, seq + 1);
    return {
      body: JSON.stringify({ key, seq }),
      headers: { [MEDIA_TYPE_HEADER]: EVENT_MEDIA_TYPE, [NATS_KEY_HEADER]: key },
    };
  });
}

const CHILD_DIR = fileURLToPath(new URL('./child/', import.meta.url));

/**
 * The recording daemon in its own process (so it can be SIGKILLed): `args` are its flags, each
 * handled message is appended to `recordFile` as "key seq messageId". `script` names another
 * daemon in `child/` (e.g. `releaseDaemon.ts`).
 */
export function spawnDaemon(
  args: readonly string[],
  recordFile = '/dev/null',
  env: Record<string, string> = {},
  script = 'recordingDaemon.ts',
): ChildProcessWithoutNullStreams {
  return spawn(
    process.execPath,
    [
      '--import',
      join(CHILD_DIR, '../../kafka/child/register.ts'),
      '--import',
      join(CHILD_DIR, 'register.ts'),
      join(CHILD_DIR, script),
      ...args,
    ],
    {
      env: {
        ...process.env,
        RECORD_FILE: recordFile,
        NATS_CRASH_TEST__DAEMON__LOG_LEVEL: 'warn',
        NATS_CRASH_TEST__CONSUMER__BACKOFF_BASE_SECONDS: '0.05',
        NATS_CRASH_TEST__CONSUMER__BACKOFF_MAX_SECONDS: '0.2',
        ...env,
      },
      stdio: 'pipe',
    },
  );
}

/** "key/seq" of each line a recording daemon wrote (a line cut by a SIGKILL is left out). */
export function recorded(file: string): string[] {
  return recordedLines(file).map(({ id }) => id);
}

/** Each line a recording daemon wrote: "key/seq" and the delivery attempt that handled it. */
export function recordedLines(file: string): Array<{ id: string; attempt: number }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((parts) => parts.length === 4 && parts[3] !== '')
    .map(([key, seq, , attempt]) => ({ id: `${key}/${seq}`, attempt: Number(attempt) }));
}

/** What `daemonTests` gives a suite whose tests each run one daemon on streams of their own. */
export interface DaemonTests {
  /** The tests' own connection (open from the suite's start to its end). */
  readonly admin: NatsConnection;
  /** The daemon under test: stopped after each test. */
  daemon: RunningDaemon | undefined;
  /** A new test stream (and what `options` add: its dead-letter stream, a durable), deleted after the test. */
  fresh(label: string, options?: StreamOptions): Promise<TestStream>;
}

/** Registers the suite's hooks (connect, stop the daemon and delete the streams after each test, close). */
export function daemonTests(): DaemonTests {
  let admin: NatsConnection | undefined;
  const streams: TestStream[] = [];
  const suite: DaemonTests = {
    get admin(): NatsConnection {
      if (admin === undefined) throw new Error('the admin connection is open only while the suite runs');
      return admin;
    },
    daemon: undefined,
    async fresh(label, options = {}) {
      const names = testStream(label);
      streams.push(names);
      await createStreams(suite.admin, names, options);
      return names;
    },
  };
  beforeAll(async () => {
    admin = await adminConnection();
  });
  afterEach(async () => {
    await suite.daemon?.stop();
    suite.daemon = undefined;
    for (const names of streams.splice(0)) await deleteStreams(suite.admin, names);
  });
  afterAll(async () => {
    await admin?.close();
  });
  return suite;
}
