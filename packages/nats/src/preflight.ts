import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  jetstreamManager,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { bucketStream } from './AttemptLedger.js';
import { NatsError, NatsErrorCodes } from './errors.js';
import type { NatsConfig } from './NatsConfig.js';
import { describe } from './NatsClient.js';
import { nameProblem, quote, subjectMatches, subjectProblem } from './names.js';

/** What the start-up check learnt, for the transport. */
export interface Checked {
  /** The consumer's ack_wait: the lease `working()` renews. */
  readonly ackWaitSeconds: number;
  readonly deadLetterSubject: string;
  /** Largest dead letter the server and the dead-letter stream take, in bytes (body and headers). */
  readonly deadLetterMaxBytes: number;
  /** The consumer's `created` timestamp: tells its attempt-ledger entries from a former consumer's. */
  readonly consumerCreated: string;
}

export interface CheckOptions {
  readonly durable: string;
  /** `consumer.maxAttempts`: a consumer's own max_deliver must not stop deliveries before it. */
  readonly maxAttempts: number;
  readonly logger: Logger;
}

/** `dead-letter.<stream>` unless `nats.deadLetterSubject` is set. */
export function deadLetterSubjectFor(settings: NatsConfig): string {
  return settings.deadLetterSubject || `dead-letter.${settings.stream}`;
}

/**
 * Before consuming: the names are ones NATS accepts; the server has JetStream; the stream exists
 * (or is created, `nats.createStream`); the durable pull consumer exists (or is created,
 * `nats.createConsumer`) and suits the daemon (explicit acks, the configured filter, a max_deliver
 * that never drops a message before it is dead-lettered, max_ack_pending 1 for in-order); a
 * stream captures the dead-letter subject (or one is created) and the consumer does not take it;
 * the attempts bucket exists (or is created). Each failure names the key and the fix.
 */
export async function checkJetStream(
  connection: NatsConnection,
  settings: NatsConfig,
  options: CheckOptions,
): Promise<Checked> {
  checkNames(settings, options.durable);
  const jsm = await manager(connection, settings.servers);
  const stream = await ensureStream(jsm, settings, options.logger);
  const consumer = await ensureConsumer(jsm, settings, options);
  const deadLetterSubject = deadLetterSubjectFor(settings);
  const deadLetterStream = await ensureDeadLetterStream(jsm, settings, deadLetterSubject, options.logger);
  if (deadLetterStream.config.name === stream.config.name) {
    const taken = consumerSubjects(consumer, stream);
    if (taken.some((pattern) => subjectMatches(pattern, deadLetterSubject)))
      throw new NatsError(
        NatsErrorCodes.DEAD_LETTER_IS_SOURCE,
        `the dead-letter subject ${quote(deadLetterSubject)} (nats.deadLetterSubject) is taken by the consumer ` +
          `${quote(options.durable)} (it filters ${taken.join(', ')} on stream ${quote(stream.config.name)}): its ` +
          'dead letters would be consumed again, for ever; use a subject outside the filter (the default is dead-letter.<stream>)',
      );
  }
  if (settings.attemptsBucket !== '') await ensureAttemptsBucket(jsm, settings, options.logger);
  const streamLimit = deadLetterStream.config.max_msg_size;
  const payloadLimit = connection.info?.max_payload ?? 1_048_576;
  return {
    ackWaitSeconds: Math.max(1, Math.round((consumer.config.ack_wait ?? nanos(30_000)) / 1e9)),
    deadLetterSubject,
    deadLetterMaxBytes: streamLimit > 0 ? Math.min(streamLimit, payloadLimit) : payloadLimit,
    consumerCreated: consumer.created,
  };
}

function checkNames(settings: NatsConfig, durable: string): void {
  const problems: Array<[string, string | undefined]> = [
    [`nats.stream (--stream) ${quote(settings.stream)}`, nameProblem(settings.stream)],
    [`the durable ${quote(durable)} (nats.durable, --durable)`, nameProblem(durable)],
    [
      `nats.subject (--subject) ${quote(settings.subject)}`,
      settings.subject === '' ? undefined : subjectProblem(settings.subject, true),
    ],
    [
      `the dead-letter subject ${quote(deadLetterSubjectFor(settings))} (nats.deadLetterSubject)`,
      settings.stream === '' ? undefined : subjectProblem(deadLetterSubjectFor(settings), false),
    ],
    [
      `nats.deadLetterStream ${quote(settings.deadLetterStream)}`,
      settings.deadLetterStream === '' ? undefined : nameProblem(settings.deadLetterStream),
    ],
    [
      `nats.attemptsBucket ${quote(settings.attemptsBucket)}`,
      /^[-\w]*$/.test(settings.attemptsBucket)
        ? undefined
        : 'has a character a KV bucket name cannot hold (only letters, digits, "_" and "-"; empty turns it off)',
    ],
  ];
  for (const [what, problem] of problems)
    if (problem !== undefined)
      throw new NatsError(NatsErrorCodes.NAME_INVALID, `${what} ${problem}; set a name NATS accepts`);
}

async function manager(connection: NatsConnection, servers: string): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(connection);
  } catch (error) {
    throw new NatsError(
      NatsErrorCodes.JETSTREAM_DISABLED,
      `the NATS server at ${servers} has no JetStream (${describe(error)}); start nats-server with -js ` +
        '(or enable JetStream for this account)',
      { cause: error },
    );
  }
}

async function ensureStream(
  jsm: JetStreamManager,
  settings: NatsConfig,
  logger: Logger,
): Promise<StreamInfo> {
  const { stream, subject, servers } = settings;
  const existing = await lookUp(() => jsm.streams.info(stream));
  if (existing !== undefined) return existing;
  if (!settings.createStream)
    throw new NatsError(
      NatsErrorCodes.STREAM_NOT_FOUND,
      `the JetStream stream ${quote(stream)} (nats.stream, --stream) does not exist on ${servers}; create it ` +
        `(nats stream add ${stream} --subjects '${subject || `${stream}.>`}') or set nats.createStream=true`,
    );
  if (subject === '')
    throw new NatsError(
      NatsErrorCodes.NOT_CREATED,
      `cannot create the stream ${quote(stream)} (nats.createStream) without a subject: set nats.subject (--subject)`,
    );
  const created = await create(`the stream ${quote(stream)} (nats.stream)`, () =>
    jsm.streams.add({ name: stream, subjects: [subject] }),
  );
  logger.info({ stream, subjects: [subject] }, 'created the JetStream stream');
  return created;
}

async function ensureConsumer(
  jsm: JetStreamManager,
  settings: NatsConfig,
  { durable, maxAttempts, logger }: CheckOptions,
): Promise<ConsumerInfo> {
  const { stream, subject, servers } = settings;
  const existing = await lookUp(() => jsm.consumers.info(stream, durable));
  if (existing !== undefined) {
    checkConsumer(existing, settings, durable, maxAttempts);
    return existing;
  }
  if (!settings.createConsumer)
    throw new NatsError(
      NatsErrorCodes.CONSUMER_NOT_FOUND,
      `the durable consumer ${quote(durable)} (nats.durable, --durable) does not exist on stream ${quote(stream)} ` +
        `at ${servers}; create it (nats consumer add ${stream} ${durable} --pull --ack explicit --max-deliver=-1` +
        `${subject === '' ? '' : ` --filter '${subject}'`}) or set nats.createConsumer=true`,
    );
  const maxAckPending = settings.mode === 'in-order' ? 1 : settings.maxAckPending;
  const created = await create(
    `the consumer ${quote(durable)} (nats.durable) on stream ${quote(stream)}`,
    () =>
      jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(settings.ackWaitSeconds * 1000),
        // The daemon dead-letters after consumer.maxAttempts; the server never gives up on a message.
        max_deliver: -1,
        max_ack_pending: maxAckPending,
        ...(subject === '' ? {} : { filter_subject: subject }),
      }),
  );
  logger.info(
    { stream, durable, filter: subject, ackWaitSeconds: settings.ackWaitSeconds, maxAckPending },
    'created the JetStream consumer',
  );
  return created;
}

/** An existing consumer the daemon would misuse stops the start, naming the setting and the fix. */
function checkConsumer(info: ConsumerInfo, settings: NatsConfig, durable: string, maxAttempts: number): void {
  const { config } = info;
  const name = `the consumer ${quote(durable)} on stream ${quote(settings.stream)}`;
  const recreate = `or delete it (nats consumer rm ${settings.stream} ${durable}) and start with nats.createConsumer=true`;
  const mismatch = (problem: string, fix: string): NatsError =>
    new NatsError(NatsErrorCodes.CONSUMER_MISMATCH, `${name} ${problem}; ${fix}, ${recreate}`);
  if (config.deliver_subject !== undefined && config.deliver_subject !== '')
    throw mismatch('is a push consumer; the daemon pulls', 'use a pull consumer (nats.durable)');
  if (config.ack_policy !== AckPolicy.Explicit)
    throw mismatch(
      `acknowledges with "${config.ack_policy}", not "explicit": messages would count as done before they are handled`,
      'use a consumer with explicit acks',
    );
  const filters = config.filter_subjects ?? (config.filter_subject ? [config.filter_subject] : []);
  if (settings.subject !== '' && (filters.length !== 1 || filters[0] !== settings.subject))
    throw mismatch(
      `filters ${filters.length === 0 ? 'nothing (the whole stream)' : filters.join(', ')}, not nats.subject ${quote(settings.subject)}`,
      'set nats.subject (--subject) to its filter',
    );
  const maxDeliver = config.max_deliver ?? -1;
  if (maxDeliver > 0 && maxDeliver <= maxAttempts)
    throw mismatch(
      `has max_deliver ${maxDeliver}, not above consumer.maxAttempts (${maxAttempts}): the server would stop ` +
        'delivering a failing message before the daemon dead-letters it, and it would be lost without a dead letter',
      `raise it (nats consumer edit ${settings.stream} ${durable} --max-deliver=-1)`,
    );
  if (settings.mode === 'in-order' && config.max_ack_pending !== 1)
    throw mismatch(
      `has max_ack_pending ${config.max_ack_pending}: nats.mode in-order needs 1 (one message out at a time)`,
      `set it (nats consumer edit ${settings.stream} ${durable} --max-pending=1)`,
    );
}

async function ensureDeadLetterStream(
  jsm: JetStreamManager,
  settings: NatsConfig,
  subject: string,
  logger: Logger,
): Promise<StreamInfo> {
  const found = await jsm.streams.find(subject).catch(() => undefined);
  if (found !== undefined && found !== '') return jsm.streams.info(found);
  const name = settings.deadLetterStream || `${settings.stream}_DEAD_LETTER`;
  if (!settings.createStream)
    throw new NatsError(
      NatsErrorCodes.DEAD_LETTER_STREAM_NOT_FOUND,
      `no JetStream stream captures the dead-letter subject ${quote(subject)} (nats.deadLetterSubject; default ` +
        `dead-letter.<stream>), so a dead letter could never be confirmed; create one (nats stream add ${name} ` +
        `--subjects '${subject}') or set nats.createStream=true`,
    );
  const created = await create(`the dead-letter stream ${quote(name)} (nats.deadLetterStream)`, () =>
    jsm.streams.add({ name, subjects: [subject] }),
  );
  logger.info({ stream: name, subjects: [subject] }, 'created the dead-letter stream');
  return created;
}

/**
 * The KV bucket of the attempt ledger (see AttemptLedger): created when missing, whatever
 * `nats.createStream` says, since it is the transport's own bookkeeping, like a consumer's state.
 */
async function ensureAttemptsBucket(
  jsm: JetStreamManager,
  settings: NatsConfig,
  logger: Logger,
): Promise<void> {
  const bucket = settings.attemptsBucket;
  const name = bucketStream(bucket);
  if ((await lookUp(() => jsm.streams.info(name))) !== undefined) return;
  const maxAgeMs = settings.attemptsMaxAgeSeconds * 1000;
  try {
    // What `nats kv add <bucket> --history 1 --ttl <max age>` creates.
    await jsm.streams.add({
      name,
      subjects: [`$KV.${bucket}.>`],
      max_msgs_per_subject: 1,
      discard: DiscardPolicy.New,
      allow_rollup_hdrs: true,
      deny_delete: true,
      allow_direct: true,
      max_age: nanos(maxAgeMs),
      duplicate_window: nanos(Math.min(maxAgeMs, 120_000)),
    });
  } catch (error) {
    // Another daemon created it first.
    if ((await lookUp(() => jsm.streams.info(name))) !== undefined) return;
    throw new NatsError(
      NatsErrorCodes.NOT_CREATED,
      `the server refused to create the attempts bucket ${quote(bucket)} (nats.attemptsBucket): ${describe(error)}; ` +
        `create it (nats kv add ${bucket} --history 1 --ttl ${settings.attemptsMaxAgeSeconds}s), or set ` +
        "nats.attemptsBucket='' to count JetStream deliveries as attempts (a release then spends one)",
      { cause: error },
    );
  }
  logger.info({ bucket, maxAgeSeconds: settings.attemptsMaxAgeSeconds }, 'created the attempts bucket');
}

/** The subjects the consumer takes: its filters, else all of its stream's. */
function consumerSubjects(consumer: ConsumerInfo, stream: StreamInfo): string[] {
  const { filter_subject, filter_subjects } = consumer.config;
  if (filter_subjects !== undefined && filter_subjects.length > 0) return filter_subjects;
  if (filter_subject !== undefined && filter_subject !== '') return [filter_subject];
  return stream.config.subjects ?? [];
}

/** The info, or undefined when the stream or consumer does not exist; other failures go on up. */
export async function lookUp<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

// JetStream's API error codes for "stream not found" and "consumer not found".
const NOT_FOUND_CODES = new Set([10059, 10014]);

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && NOT_FOUND_CODES.has(error.code);
}

async function create<T>(what: string, add: () => Promise<T>): Promise<T> {
  try {
    return await add();
  } catch (error) {
    throw new NatsError(
      NatsErrorCodes.NOT_CREATED,
      `the server refused to create ${what}: ${describe(error)}; create it yourself or fix the setting`,
      { cause: error },
    );
  }
}
