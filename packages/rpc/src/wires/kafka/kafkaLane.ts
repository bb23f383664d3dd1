import { ConsumerSession, KafkaTransport, type KafkaConfig, type KafkaProducer } from '@switchyard/kafka';
import type { Kafka } from 'kafkajs';

/** The transport package's logger type (pino's). */
export type WireLogger = ConstructorParameters<typeof KafkaTransport>[3];

export interface LaneSettings {
  readonly kafka: Kafka;
  /** The daemon's `kafka` section: timeouts, buffering, fetch sizes, as its own consumer has them. */
  readonly config: KafkaConfig;
  /** The daemon's producer: dead letters are written as its own are. */
  readonly producer: KafkaProducer;
  readonly logger: WireLogger;
}

export interface LaneTopics {
  readonly topic: string;
  readonly groupId: string;
  readonly deadLetterTopic: string;
  /**
   * Whether fetched batches are held until they finish (the daemon's `kafka.revokeDrainMs`), so a
   * rebalance drains them first. Not for calls: kafkajs fetches nothing more from a broker while one
   * of its batches is held, so one slow call would stall every call behind it, and a call that calls
   * its own API again would wait for itself. Calls in flight at a rebalance may then run twice
   * (their first reply is the one the caller takes).
   */
  readonly holdBatches: boolean;
}

/**
 * The transport package's own consumer on one lane's topic and group, unordered (calls and events
 * need no order), from the topic's start for a new group (the wire creates the topics, so nothing
 * older than the lane is there; an event listener's group is positioned at the end first). Acks,
 * retries in place, dead letters, rebalance draining and shutdown are KafkaTransport's.
 */
export function laneTransport(settings: LaneSettings, lane: LaneTopics): KafkaTransport {
  const { kafka, config, producer } = settings;
  const logger = settings.logger.child({ transport: 'kafka', lane: lane.topic });
  return new KafkaTransport(
    (listener) =>
      new ConsumerSession(
        kafka,
        {
          topics: [lane.topic],
          fromBeginning: true,
          stallTimeoutMs: config.stallTimeoutMs,
          revokeDrainMs: lane.holdBatches ? config.effectiveRevokeDrainMs : 0,
          consumer: {
            groupId: lane.groupId,
            sessionTimeout: config.sessionTimeoutMs,
            heartbeatInterval: config.heartbeatIntervalMs,
            maxWaitTimeInMs: config.maxWaitTimeMs,
            maxBytesPerPartition: config.maxBytesPerPartition,
            allowAutoTopicCreation: false,
            retry: { retries: 8 },
          },
        },
        listener,
        logger,
      ),
    producer,
    {
      mode: 'unordered',
      maxBuffered: config.maxBuffered,
      commitIntervalMs: config.commitIntervalMs,
      deadLetterTopicFor: () => lane.deadLetterTopic,
    },
    logger,
  );
}
