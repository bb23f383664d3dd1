import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { KafkaError, KafkaErrorCodes } from './errors.js';

// Not named imports: Node's ESM loader cannot see these two among kafkajs's CommonJS exports (a
// built daemon failed to load; vitest's transform hid it).
const { ConfigResourceTypes, ConfigSource } = kafkajs;

/**
 * The group id, defaulted to `<daemon name>.consumer` and checked against the `service.group`
 * convention (`kafka.groupNamePattern`); a failure names the key, the value and the fix.
 */
export function resolveGroupId(groupId: string, pattern: string, daemonName: string): string {
  const resolved = groupId === '' ? `${daemonName}.consumer` : groupId;
  if (new RegExp(pattern).test(resolved)) return resolved;
  const what =
    groupId === ''
      ? `the default kafka group id "${resolved}" (from the daemon name; kafka.groupId is empty)`
      : `kafka.groupId "${resolved}"`;
  throw new KafkaError(
    KafkaErrorCodes.GROUP_ID_INVALID,
    `${what} does not follow the group naming convention /${pattern}/ (kafka.groupNamePattern): ` +
      `set kafka.groupId (--group-id) to "<service>.<group>" in lower case, e.g. "orders.consumer"`,
  );
}

/**
 * Room a dead-letter topic keeps above its largest source topic's `max.message.bytes`: the copy
 * carries the source record's key, value and headers plus the dead-letter headers (whose reason is
 * bounded), so it fits whenever the source record was not compressed.
 */
export const DEAD_LETTER_HEADROOM_BYTES = 65_536;

/** Kafka's own rule for topic names (`Topic.validate`): these characters, 1 to 249 of them. */
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_NAME_LENGTH = 249;
const MAX_MESSAGE_BYTES = 'max.message.bytes';

/** Why Kafka would refuse `name` as a topic name, or undefined if it is legal. */
export function topicNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name === '.' || name === '..') return 'is "." or "..", which Kafka does not allow';
  if (name.length > MAX_TOPIC_NAME_LENGTH)
    return `is ${name.length} characters long, over Kafka's ${MAX_TOPIC_NAME_LENGTH}`;
  if (!LEGAL_TOPIC_NAME.test(name))
    return 'has characters Kafka does not allow in a topic name (only a-z, A-Z, 0-9, ".", "_" and "-")';
  return undefined;
}

export interface TopicNames {
  readonly topics: readonly string[];
  /** `kafka.deadLetterTopic` as configured ('' means `<source topic>.dlt`). */
  readonly deadLetterTopic: string;
  readonly deadLetterTopicFor: (topic: string) => string;
}

/**
 * Every consumed and dead-letter topic name is one Kafka accepts, and no consumed topic is its own
 * dead-letter topic; a failure names the topic and the config key to fix. Runs before connecting.
 */
export function checkTopicNames({ topics, deadLetterTopic, deadLetterTopicFor }: TopicNames): void {
  for (const topic of topics) {
    const problem = topicNameProblem(topic);
    if (problem !== undefined)
      throw new KafkaError(
        KafkaErrorCodes.TOPIC_NAME_INVALID,
        `kafka topic ${quote(topic)} (kafka.topics, --topic) ${problem}`,
      );
  }
  for (const topic of topics) {
    const target = deadLetterTopicFor(topic);
    const problem = topicNameProblem(target);
    if (problem !== undefined)
      throw new KafkaError(
        KafkaErrorCodes.TOPIC_NAME_INVALID,
        deadLetterTopic === ''
          ? `the dead-letter topic ${quote(target)} of kafka topic ${quote(topic)} ${problem}; set kafka.deadLetterTopic to a valid name`
          : `kafka.deadLetterTopic ${quote(target)} ${problem}; set kafka.deadLetterTopic to a valid name (or leave it empty for "<topic>.dlt")`,
      );
    // A dead letter of a topic into itself would come back, fail again and go round for ever.
    if (target === topic)
      throw new KafkaError(
        KafkaErrorCodes.DEAD_LETTER_TOPIC_IS_SOURCE,
        `the dead-letter topic ${quote(target)} (kafka.deadLetterTopic) is also consumed (kafka.topics): its own dead letters would be consumed again, for ever; use another dead-letter topic`,
      );
  }
}

/** What the start learnt: each dead-letter topic's `max.message.bytes`, where it could be read. */
export interface TopicLimits {
  readonly deadLetterMaxBytes: ReadonlyMap<string, number>;
}

/**
 * Before subscribing: every consumed topic must exist (a typo or the wrong cluster fails fast,
 * naming the topic); dead-letter topics are created when missing, with the source's partition
 * count and room for the largest record a source topic accepts (`max.message.bytes` plus
 * `DEAD_LETTER_HEADROOM_BYTES`). An existing dead-letter topic that holds less than a source topic
 * stops the start, naming both topics, both values and the command that fixes it.
 */
export async function checkTopics(
  kafka: Kafka,
  names: TopicNames,
  logger?: Logger,
  brokers = '<broker:9092>',
): Promise<TopicLimits> {
  const { topics, deadLetterTopicFor } = names;
  if (topics.length === 0)
    throw new KafkaError(KafkaErrorCodes.NO_TOPICS, 'no kafka topic to consume: set kafka.topics (--topic)');
  checkTopicNames(names);
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new KafkaError(
      KafkaErrorCodes.BROKERS_UNREACHABLE,
      `could not connect to the kafka brokers (kafka.brokers, first ${brokers}): ` +
        `${error instanceof Error ? error.message : String(error)}; check kafka.brokers, the network ` +
        'and the TLS/SASL settings (kafka.ssl, kafka.saslMechanism)',
      { cause: error },
    );
  }
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0)
      throw new KafkaError(
        KafkaErrorCodes.TOPIC_NOT_FOUND,
        `kafka topic ${missing.map((topic) => quote(topic)).join(', ')} does not exist on ${brokers}: ` +
          'create it, or fix kafka.topics (--topic)',
      );
    const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
    const deadLetterTopics = new Map<string, { partitions: number; sources: string[] }>();
    for (const { name, partitions } of metadata.topics) {
      const target = deadLetterTopicFor(name);
      const entry = deadLetterTopics.get(target) ?? { partitions: 1, sources: [] };
      entry.partitions = Math.max(entry.partitions, partitions.length);
      entry.sources.push(name);
      deadLetterTopics.set(target, entry);
    }
    const limits = await readMaxMessageBytes(
      admin,
      [...topics, ...[...deadLetterTopics.keys()].filter((topic) => existing.has(topic))],
      logger,
    );
    const deadLetterMaxBytes = new Map<string, number>();
    const toCreate: Array<{ topic: string; numPartitions: number; maxBytes: number | undefined }> = [];
    for (const [target, { partitions, sources }] of deadLetterTopics) {
      const largest = largestSource(sources, limits);
      if (existing.has(target)) {
        const own = limits?.get(target);
        if (own !== undefined) deadLetterMaxBytes.set(target, own.value);
        if (own !== undefined && largest !== undefined && own.value < largest.value)
          throw tooSmall(target, own, largest, brokers);
      } else {
        const maxBytes = largest === undefined ? undefined : largest.value + DEAD_LETTER_HEADROOM_BYTES;
        if (maxBytes !== undefined) deadLetterMaxBytes.set(target, maxBytes);
        toCreate.push({ topic: target, numPartitions: partitions, maxBytes });
      }
    }
    if (toCreate.length > 0) await createDeadLetterTopics(admin, toCreate, names, logger);
    return { deadLetterMaxBytes };
  } finally {
    await admin.disconnect();
  }
}

interface Limit {
  readonly value: number;
  /** Where the value comes from: the topic's own setting, or the broker's default. */
  readonly source: string;
}

/** `max.message.bytes` per topic (the topic's setting, else the broker default it inherits). */
async function readMaxMessageBytes(
  admin: Admin,
  topics: readonly string[],
  logger: Logger | undefined,
): Promise<Map<string, Limit> | undefined> {
  try {
    const { resources } = await admin.describeConfigs({
      resources: topics.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: [MAX_MESSAGE_BYTES],
      })),
      includeSynonyms: false,
    });
    const limits = new Map<string, Limit>();
    for (const resource of resources) {
      const entry = resource.configEntries.find(({ configName }) => configName === MAX_MESSAGE_BYTES);
      const value = Number(entry?.configValue);
      if (entry === undefined || !Number.isSafeInteger(value) || value <= 0) continue;
      limits.set(resource.resourceName, {
        value,
        source: entry.configSource === ConfigSource.TOPIC_CONFIG ? 'topic setting' : 'broker default',
      });
    }
    return limits;
  } catch (error) {
    // Without DescribeConfigs rights the start goes on; an oversized dead letter is then bounded.
    logger?.warn(
      { err: error, topics },
      `could not read ${MAX_MESSAGE_BYTES} of the kafka topics; dead-letter topics are not checked against their sources`,
    );
    return undefined;
  }
}

function largestSource(
  sources: readonly string[],
  limits: Map<string, Limit> | undefined,
): (Limit & { topic: string }) | undefined {
  let largest: (Limit & { topic: string }) | undefined;
  for (const topic of sources) {
    const limit = limits?.get(topic);
    if (limit !== undefined && (largest === undefined || limit.value > largest.value))
      largest = { ...limit, topic };
  }
  return largest;
}

function tooSmall(
  target: string,
  own: Limit,
  largest: Limit & { topic: string },
  brokers: string,
): KafkaError {
  const wanted = largest.value + DEAD_LETTER_HEADROOM_BYTES;
  return new KafkaError(
    KafkaErrorCodes.DEAD_LETTER_TOPIC_TOO_SMALL,
    `the dead-letter topic ${quote(target)} accepts records up to ${MAX_MESSAGE_BYTES}=${own.value} (${own.source}), ` +
      `less than its source topic ${quote(largest.topic)} (${MAX_MESSAGE_BYTES}=${largest.value}, ${largest.source}): ` +
      `a record the source holds could never be dead-lettered whole. Raise it: kafka-configs --bootstrap-server ${brokers} ` +
      `--alter --entity-type topics --entity-name ${target} --add-config ${MAX_MESSAGE_BYTES}=${wanted} ` +
      `(or set kafka.deadLetterTopic to a topic that holds as much)`,
  );
}

async function createDeadLetterTopics(
  admin: Admin,
  toCreate: ReadonlyArray<{ topic: string; numPartitions: number; maxBytes: number | undefined }>,
  names: TopicNames,
  logger: Logger | undefined,
): Promise<void> {
  try {
    await admin.createTopics({
      topics: toCreate.map(({ topic, numPartitions, maxBytes }) => ({
        topic,
        numPartitions,
        ...(maxBytes === undefined
          ? {}
          : { configEntries: [{ name: MAX_MESSAGE_BYTES, value: String(maxBytes) }] }),
      })),
      waitForLeaders: true,
    });
    for (const { topic, numPartitions, maxBytes } of toCreate)
      logger?.info(
        { topic, partitions: numPartitions, maxMessageBytes: maxBytes },
        'created the dead-letter topic',
      );
  } catch (error) {
    const detail = creationErrors(error);
    const key =
      names.deadLetterTopic === '' ? 'kafka.deadLetterTopic (empty: "<topic>.dlt")' : 'kafka.deadLetterTopic';
    throw new KafkaError(
      KafkaErrorCodes.DEAD_LETTER_TOPIC_NOT_CREATED,
      `could not create the dead-letter topic ${toCreate.map(({ topic }) => quote(topic)).join(', ')} (${key}): ${detail}; create it yourself or grant the daemon CreateTopics`,
      { cause: error },
    );
  }
}

/** kafkajs reports per-topic failures in an aggregate; say each one with its topic. */
function creationErrors(error: unknown): string {
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0)
    return errors
      .map(
        (each: { topic?: string; message?: string }) =>
          `${quote(each.topic ?? '?')}: ${each.message ?? 'refused'}`,
      )
      .join('; ');
  return error instanceof Error ? error.message : String(error);
}

/** A topic name in an error, cut if it is absurdly long. */
function quote(name: string): string {
  return name.length > 300 ? `"${name.slice(0, 300)}…" (${name.length} characters)` : `"${name}"`;
}
