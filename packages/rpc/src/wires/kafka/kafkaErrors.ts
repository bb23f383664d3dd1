/**
 * Whether kafkajs says a topic does not exist: its protocol error, or the one its retrier gave up on
 * (KafkaJSNumberOfRetriesExceeded wraps it).
 */
export function isUnknownTopic(error: unknown): boolean {
  const { type, cause } = error as { type?: unknown; cause?: { type?: unknown } };
  return type === 'UNKNOWN_TOPIC_OR_PARTITION' || cause?.type === 'UNKNOWN_TOPIC_OR_PARTITION';
}
