import { connect } from 'node:net';
import type { Admin, Kafka } from 'kafkajs';
import { pino } from 'pino';
import { createKafkaClient } from '../kafkaClient.js';
import { KafkaConfig } from '../KafkaConfig.js';

const REACH_TIMEOUT_MS = 3000;

/** A kafkajs client and a connected admin for an operator command; `close` disconnects both. */
export interface OpsKafka {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly brokers: string;
  close(): Promise<void>;
}

/**
 * Connects to `brokers` (comma-separated host:port). A broker list no broker of which accepts a
 * TCP connection fails at once, naming the brokers (kafkajs would retry for a minute first).
 */
export async function connectKafka(brokers: string): Promise<OpsKafka> {
  const list = brokers
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (list.length === 0) throw new Error('--kafka-brokers is empty; give host:port[,host:port…]');
  const failures = await Promise.all(list.map(reachable));
  if (failures.every((failure) => failure !== undefined))
    throw new Error(
      `cannot reach any Kafka broker of ${list.join(',')} (${failures[0]}); check --kafka-brokers`,
    );
  const config = Object.assign(new KafkaConfig(), { brokers: list.join(',') });
  const kafka = createKafkaClient(config, 'switchyard-cli', pino({ level: 'silent' }));
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw kafkaFailure(error, list.join(','));
  }
  return { kafka, admin, brokers: list.join(','), close: () => admin.disconnect() };
}

/** Fails naming the topic when it does not exist (the test brokers, like many, never auto-create). */
export async function checkTopic(ops: OpsKafka, topic: string, what = 'Kafka topic'): Promise<void> {
  let topics: string[];
  try {
    topics = await ops.admin.listTopics();
  } catch (error) {
    throw kafkaFailure(error, ops.brokers);
  }
  if (!topics.includes(topic))
    throw new Error(`${what} "${topic}" does not exist on ${ops.brokers}; check the topic name`);
}

/** Partition → [low, high) offsets of `topic` now. */
export async function topicOffsets(
  ops: OpsKafka,
  topic: string,
): Promise<Map<number, { low: number; high: number }>> {
  try {
    const offsets = await ops.admin.fetchTopicOffsets(topic);
    return new Map(
      offsets.map(({ partition, low, high }) => [partition, { low: Number(low), high: Number(high) }]),
    );
  } catch (error) {
    throw kafkaFailure(error, ops.brokers);
  }
}

export function kafkaFailure(error: unknown, brokers: string): Error {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new Error(`Kafka at ${brokers} failed: ${message}`, { cause: error });
}

function reachable(broker: string): Promise<string | undefined> {
  const at = broker.lastIndexOf(':');
  const host = at > 0 ? broker.slice(0, at).replace(/^\[|\]$/g, '') : broker;
  const port = at > 0 ? Number(broker.slice(at + 1)) : 9092;
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: REACH_TIMEOUT_MS });
    const finish = (failure: string | undefined): void => {
      socket.destroy();
      resolve(failure);
    };
    socket.once('connect', () => finish(undefined));
    socket.once('timeout', () => finish(`no answer from ${broker} within ${REACH_TIMEOUT_MS} ms`));
    socket.once('error', (error: Error) => finish(error.message));
  });
}
