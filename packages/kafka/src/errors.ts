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
} as const;

export type KafkaErrorCode = (typeof KafkaErrorCodes)[keyof typeof KafkaErrorCodes];

/** A `SwitchyardError` with one of this package's codes; `SwitchyardError.is` and `.code` work as for core's. */
export class KafkaError extends SwitchyardError {
  constructor(code: KafkaErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
