import type { ReplayEvent as CoreReplayEvent, ReplayResult, ReplayRun } from '@switchyard/core';
import { connectKafka, DEFAULT_REPLAY_GROUP, KafkaDeadLetterTopic } from '@switchyard/kafka';
import { connectNats, NatsDeadLetterStream, streamOf } from '@switchyard/nats';
import { createOpsSqsClient, SqsDeadLetterQueue } from '@switchyard/sqs';
import { CliError } from '../CliError.js';
import type { DeadLetter } from './deadLetters.js';
import type { NatsWhere, AnyWhere } from './natsWhere.js';
import type { Where } from './options.js';

/** A replay step of whichever transport, as the dlq command prints it. */
export type ReplayEvent = CoreReplayEvent<DeadLetter>;

export interface ReplayRequest extends ReplayRun<DeadLetter> {
  /** `--rate`: SQS sizes its send batches by it. */
  readonly rate?: number;
}

export interface ReplayOutcome extends ReplayResult {
  readonly skipped: Readonly<Record<string, number>>;
  readonly notRemoved: number;
  /** SQS: messages still hidden on the dead-letter queue when the replay ended (another reader's, or a killed replay's). */
  readonly hidden?: number;
}

export interface DeadLetterListing {
  readonly records: DeadLetter[];
  readonly truncated: boolean;
  /** Kafka: dead letters the replay group already replayed (not listed). */
  readonly replayed?: number;
}

/** A dead-letter queue or topic, whichever transport holds it. */
export interface DeadLetterStore {
  /** What it is, for the output: the queue URL, or the topic and its replay group. */
  readonly name: string;
  /** What reading it does to it, said once to stderr (SQS: receive counts). */
  readonly readNote?: string;
  list(limit: number, signal: AbortSignal): Promise<DeadLetterListing>;
  show(id: string, signal: AbortSignal): Promise<DeadLetter | undefined>;
  replay(request: ReplayRequest): Promise<ReplayOutcome>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** SQS: how long a read or replay hides the messages it holds (seconds). */
  readonly holdSeconds: number;
  /** SQS: read a queue that has a redrive policy anyway. */
  readonly force: boolean;
  /** Kafka: the replay group. */
  readonly group?: string;
}

export async function openDeadLetters(where: AnyWhere, options: StoreOptions): Promise<DeadLetterStore> {
  if (where.kind === 'nats') return openNats(where);
  return where.kind === 'sqs' ? openSqs(where, options) : openKafka(where, options);
}

async function openSqs(
  where: Extract<Where, { kind: 'sqs' }>,
  options: StoreOptions,
): Promise<DeadLetterStore> {
  const client = createOpsSqsClient(where.endpoint);
  const queue = new SqsDeadLetterQueue(client, where.queueUrl);
  try {
    const state = await queue.state();
    if (state.redrive !== undefined && !options.force)
      throw new CliError(
        `${where.queueUrl} has a redrive policy (maxReceiveCount ${state.redrive.maxReceiveCount}, to ` +
          `${state.redrive.deadLetterTargetArn}): it looks like a source queue, not a dead-letter queue, and reading ` +
          "it raises each message's receive count; give the dead-letter queue's URL, or pass --force",
        2,
      );
  } catch (error) {
    client.destroy();
    throw error;
  }
  return {
    name: where.queueUrl,
    readNote: `reading ${where.queueUrl} receives its messages: each one's ApproximateReceiveCount rises by one, and they are hidden from other readers until this command ends (at most ${options.holdSeconds} s)`,
    list: (limit) => queue.list(limit, options.holdSeconds),
    show: async (id) =>
      (await queue.list(Number.MAX_SAFE_INTEGER, options.holdSeconds)).records.find(
        (record) => record.id === id,
      ),
    replay: async (request) => {
      const result = await queue.replay({
        ...request,
        batchSize: request.rate === undefined ? 10 : Math.max(1, Math.min(10, Math.floor(request.rate))),
        holdSeconds: options.holdSeconds,
      });
      // Hidden ones were never received by this replay: say so, or the operator thinks it is done.
      const { inFlight } = await queue.state();
      return inFlight > 0 ? { ...result, hidden: inFlight } : result;
    },
    close: async () => client.destroy(),
  };
}

async function openKafka(
  where: Extract<Where, { kind: 'kafka' }>,
  options: StoreOptions,
): Promise<DeadLetterStore> {
  const ops = await connectKafka(where.brokers);
  const group = options.group ?? DEFAULT_REPLAY_GROUP;
  const topic = new KafkaDeadLetterTopic(ops, where.topic, group);
  return {
    name: `${where.topic} (replay group ${group})`,
    list: (limit, signal) => topic.list(limit, signal),
    show: (id, signal) => topic.show(id, signal),
    replay: async (request) => ({ ...(await topic.replay(request)), notRemoved: 0 }),
    close: () => ops.close(),
  };
}

async function openNats(where: NatsWhere): Promise<DeadLetterStore> {
  const ops = await connectNats(where.servers);
  let stream: string;
  try {
    stream = where.stream ?? (await streamOf(ops, where.subject!));
  } catch (error) {
    await ops.close();
    throw error;
  }
  const deadLetters = new NatsDeadLetterStream(ops, stream, where.subject);
  return {
    name: where.subject === undefined ? stream : `${stream} (subject ${where.subject})`,
    list: (limit, signal) => deadLetters.list(limit, signal),
    show: (id) => deadLetters.show(id),
    replay: (request) => deadLetters.replay(request),
    close: () => ops.close(),
  };
}
