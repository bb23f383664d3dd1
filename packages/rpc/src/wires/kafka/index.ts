import { createLogger, TOKENS, type Container } from '@switchyard/core';
import { createKafkaClient, KAFKA_CLIENT, KafkaConfig, KafkaProducer } from '@switchyard/kafka';
import type { Kafka } from 'kafkajs';
import { RpcConfig } from '../../config/RpcConfig.js';
import type { RpcWire } from '../../wire/RpcWire.js';
import type { WireLogger } from './kafkaLane.js';
import { createKafkaWire, type KafkaWireParts } from './KafkaWire.js';

export { createKafkaWire, type KafkaWireParts } from './KafkaWire.js';

type Tuning = Pick<
  KafkaWireParts,
  'partitions' | 'topicTtlMs' | 'replyMaxWaitMs' | 'replyRetentionMs' | 'replyOrphanGraceMs'
>;

/**
 * The wire's defaults: a few partitions per API, topic list cached 2 s, idle reply fetch 100 ms,
 * replies kept 1 h, a gone client's reply topic and group removed after 10 min without a member.
 */
export const KAFKA_WIRE_DEFAULTS: Tuning = {
  partitions: 3,
  topicTtlMs: 2000,
  replyMaxWaitMs: 100,
  replyRetentionMs: 3_600_000,
  replyOrphanGraceMs: 600_000,
};

export interface KafkaWireOptions extends Partial<Tuning> {
  /** `host:port` list, comma-separated or as an array. */
  readonly brokers: string | readonly string[];
  /** Sent to the brokers (default `switchyard-rpc`). */
  readonly clientId?: string;
  /** More of the `kafka` section: TLS, SASL, timeouts (`brokers` above wins). */
  readonly kafka?: Partial<KafkaConfig>;
  /**
   * Where the wire logs (default: warnings and errors as JSON on standard output; the removals of
   * gone clients' reply topics are logged at info).
   */
  readonly logger?: WireLogger;
}

/**
 * A client's wire on Kafka, for `createBus({ wire: await kafkaWire({ brokers: 'localhost:9092' }) })`
 * in a process that is not a daemon (a script, a web server).
 */
export async function kafkaWire(options: KafkaWireOptions): Promise<RpcWire> {
  const config = Object.assign(new KafkaConfig(), options.kafka ?? {}, {
    brokers: typeof options.brokers === 'string' ? options.brokers : options.brokers.join(','),
  });
  if (config.brokers.trim() === '')
    throw new TypeError(
      'kafkaWire: brokers is empty; give the Kafka brokers, e.g. { brokers: "localhost:9092" }',
    );
  checkOrphanGrace(options.replyOrphanGraceMs);
  const logger = options.logger ?? createLogger('switchyard-rpc', 'warn', 'json');
  const kafka = createKafkaClient(config, options.clientId ?? 'switchyard-rpc', logger);
  return createKafkaWire({
    ...KAFKA_WIRE_DEFAULTS,
    ...definedOnly(options),
    kafka,
    config,
    producer: new KafkaProducer(kafka, { defaultTopic: '', routes: {} }),
    ownsProducer: true,
    logger,
  });
}

/** The wire of a daemon consuming from Kafka: its kafkajs client, producer, `kafka` section and logger. */
export async function daemonWire(container: Container): Promise<RpcWire> {
  return createKafkaWire({
    ...KAFKA_WIRE_DEFAULTS,
    kafka: container.get<Kafka>(KAFKA_CLIENT),
    config: container.get(KafkaConfig),
    producer: container.get(KafkaProducer),
    ownsProducer: false,
    logger: container.get<WireLogger>(TOKENS.Logger).child({ wire: 'kafka' }),
    replyOrphanGraceMs: container.get(RpcConfig).kafkaReplyOrphanGraceMs,
  });
}

/** The shortest grace: a client just starting shows a member within a second or two of creating its topic. */
const MIN_ORPHAN_GRACE_MS = 1000;

function checkOrphanGrace(value: number | undefined): void {
  if (value === undefined || value === 0) return;
  if (!Number.isInteger(value) || value < MIN_ORPHAN_GRACE_MS)
    throw new TypeError(
      `kafkaWire: replyOrphanGraceMs is ${value}; give 0 (never remove other clients' reply topics) or ` +
        `whole milliseconds of at least ${MIN_ORPHAN_GRACE_MS} (default ${KAFKA_WIRE_DEFAULTS.replyOrphanGraceMs})`,
    );
}

function definedOnly(options: Partial<Tuning>): Partial<Tuning> {
  const tuning: Partial<Record<keyof Tuning, number>> = {};
  for (const key of Object.keys(KAFKA_WIRE_DEFAULTS) as Array<keyof Tuning>)
    if (options[key] !== undefined) tuning[key] = options[key];
  return tuning;
}
