import { randomUUID } from 'node:crypto';
import {
  ConsumerDaemon,
  handles,
  type HandlerContext,
  type RunningDaemon,
  type DaemonPlugin,
} from '@switchyard/core';
import { kafkaTransportFactory, type KafkaMode } from '@switchyard/kafka';
import { Kafka, logLevel, type IHeaders, type KafkaMessage } from 'kafkajs';
import { pino, type Logger } from 'pino';
import { inject } from 'vitest';
import { EVENT_MEDIA_TYPE, TestEvent } from './child/TestEvent.js';
import { until } from '../support/until.js';

export { EVENT_MEDIA_TYPE, TestEvent };

export const kafkaBrokers = inject('kafkaBrokers');
/** What suites iterate over: the running brokers, or one placeholder so a skipped suite is not empty. */
export const brokerCases =
  kafkaBrokers.length > 0 ? kafkaBrokers : [{ version: 'none (java or mvn missing)', brokers: '' }];
/** A record header's (first) value as text, as kafkajs hands it over: a Buffer, a string or a list. */
export const header = (value: IHeaders[string]): string | undefined =>
  value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);

export const silentLogger = pino({ level: process.env.KAFKA_TEST_LOG ?? 'silent' });

export function client(brokers: string): Kafka {
  return new Kafka({ brokers: [brokers], clientId: 'switchyard-test', logLevel: logLevel.NOTHING });
}

export async function createTopic(
  brokers: string,
  partitions = 1,
  name = `t-${randomUUID()}`,
): Promise<string> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return name;
}

export interface RawRecord {
  key?: string | null;
  value: string | Buffer | null;
  headers?: IHeaders;
  partition?: number;
}

/** Sends `records` in order, `perRequest` at a time (each request becomes one record batch per partition). */
export async function produceRaw(
  brokers: string,
  topic: string,
  records: RawRecord[],
  perRequest = 500,
): Promise<void> {
  const producer = client(brokers).producer();
  await producer.connect();
  try {
    for (let start = 0; start < records.length; start += perRequest)
      await producer.send({ topic, messages: records.slice(start, start + perRequest) });
  } finally {
    await producer.disconnect();
  }
}

/** `count` events spread over `keys` keys, each with its own increasing seq, media type in a header. */
export function events(count: number, keys: number): RawRecord[] {
  const seqByKey = new Map<string, number>();
  return Array.from({ length: count }, (_, index) => {
    const key = `k${index % keys}`;
    const seq = seqByKey.get(key) ?? 0;
    seqByKey.set(key, seq + 1);
    return { key, value: JSON.stringify({ key, seq }), headers: { media_type: EVENT_MEDIA_TYPE } };
  });
}

/** Every record on a topic (all partitions), read with a throwaway group from the beginning. */
export async function readAll(brokers: string, topic: string, expected: number): Promise<KafkaMessage[]> {
  const consumer = client(brokers).consumer({ groupId: `reader.${randomUUID()}`, maxWaitTimeInMs: 100 });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
  await waitFor(() => seen.length >= expected, 30_000, `${expected} records on ${topic}`);
  await consumer.disconnect();
  return seen;
}

export type EventHandler = (event: TestEvent, context: HandlerContext) => Promise<void> | void;

export interface DaemonOptions {
  brokers: string;
  topic: string;
  groupId?: string;
  mode?: KafkaMode;
  concurrency?: number;
  extraArgs?: string[];
  env?: Record<string, string>;
  plugins?: DaemonPlugin[];
  logger?: Logger;
}

/** A daemon on Kafka with one handler for TestEvent, configured through its real flags. */
export function startDaemon(handler: EventHandler, options: DaemonOptions): Promise<RunningDaemon> {
  const handlerFunction = handles(TestEvent)((message: object, context: HandlerContext) =>
    handler(message as TestEvent, context),
  );
  class KafkaTestDaemon extends ConsumerDaemon {
    readonly name = 'kafka-test';
    override readonly handlers = [handlerFunction];
    override readonly transports = [kafkaTransportFactory];
    override readonly plugins = options.plugins ?? [];
  }
  return new KafkaTestDaemon().start({
    argv: [
      '--kafka-brokers',
      options.brokers,
      '--topic',
      options.topic,
      '--group-id',
      options.groupId ?? `kafka-test.${randomUUID().slice(0, 8)}`,
      '--mode',
      options.mode ?? 'keyed',
      '--from-beginning',
      '--concurrency',
      String(options.concurrency ?? 16),
      ...(options.extraArgs ?? []),
    ],
    env: {
      KAFKA_TEST__CONSUMER__BACKOFF_BASE_SECONDS: '0.05',
      KAFKA_TEST__CONSUMER__BACKOFF_MAX_SECONDS: '0.2',
      ...options.env,
    },
    logger: options.logger ?? silentLogger,
  });
}

/** `until` with the Kafka suites' argument order. */
export function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return until(what, condition, timeoutMs);
}

/** The group's committed offset per partition (admin view), e.g. { 0: 100 }. */
export async function committedOffsets(
  brokers: string,
  groupId: string,
  topic: string,
): Promise<Record<number, number>> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries(
      (entry?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]),
    );
  } finally {
    await admin.disconnect();
  }
}
