import { SwitchyardError } from '@switchyard/core';

/** Error codes of @switchyard/kafka; thrown as `SwitchyardError` like core's. */
export const KafkaErrorCodes = {
  /** A consumed or dead-letter topic name Kafka would refuse (characters, length, `.`/`..`). */
  TOPIC_NAME_INVALID: 'SWITCHYARD_KAFKA_TOPIC_NAME_INVALID',
  /** `kafka.deadLetterTopic` is also consumed: its own dead letters would go round for ever. */
  DEAD_LETTER_TOPIC_IS_SOURCE: 'SWITCHYARD_KAFKA_DEAD_LETTER_TOPIC_IS_SOURCE',
  /** An existing dead-letter topic's `max.message.bytes` is below a source topic's. */
  DEAD_LETTER_TOPIC_TOO_SMALL: 'SWITCHYARD_KAFKA_DEAD_LETTER_TOPIC_TOO_SMALL',
  /** The brokers refused to create a missing dead-letter topic. */
  DEAD_LETTER_TOPIC_NOT_CREATED: 'SWITCHYARD_KAFKA_DEAD_LETTER_TOPIC_NOT_CREATED',
  /** `kafka.topics` is empty: nothing to consume. */
  NO_TOPICS: 'SWITCHYARD_KAFKA_NO_TOPICS',
  /** A consumed topic does not exist on the brokers (a typo, or the wrong cluster). */
  TOPIC_NOT_FOUND: 'SWITCHYARD_KAFKA_TOPIC_NOT_FOUND',
  /** The group id (`kafka.groupId`, or the default from the daemon name) breaks `kafka.groupNamePattern`. */
  GROUP_ID_INVALID: 'SWITCHYARD_KAFKA_GROUP_ID_INVALID',
  /** A `kafka.topicRoutes` entry is not `media/type=topic`. */
  TOPIC_ROUTE_INVALID: 'SWITCHYARD_KAFKA_TOPIC_ROUTE_INVALID',
  /** No broker of `kafka.brokers` answered at start (or the TLS/SASL handshake failed). */
  BROKERS_UNREACHABLE: 'SWITCHYARD_KAFKA_BROKERS_UNREACHABLE',
  /** A produce (or a dead-letter copy) the brokers did not confirm; see `KafkaProduceError.retriable`. */
  PRODUCE_FAILED: 'SWITCHYARD_KAFKA_PRODUCE_FAILED',
} as const;

export type KafkaErrorCode = (typeof KafkaErrorCodes)[keyof typeof KafkaErrorCodes];

/** A `SwitchyardError` with one of this package's codes; `SwitchyardError.is` and `.code` work as for core's. */
export class KafkaError extends SwitchyardError {
  constructor(code: KafkaErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
