import { KafkaError, KafkaErrorCodes } from './errors.js';

/**
 * A produce the brokers did not confirm (`SWITCHYARD_KAFKA_PRODUCE_FAILED`); `retriable` says
 * whether sending again may succeed.
 */
export class KafkaProduceError extends KafkaError {
  override readonly name = 'KafkaProduceError';

  constructor(
    readonly topic: string,
    readonly retriable: boolean,
    cause: unknown,
  ) {
    super(
      KafkaErrorCodes.PRODUCE_FAILED,
      `could not produce to Kafka topic "${topic}": ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** The brokers said the record (or its batch) is larger than the topic accepts: sending it again cannot help. */
export function isRecordTooLarge(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { type, code, cause, errors } = error as {
    type?: unknown;
    code?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE' || code === 10 || code === 18)
    return true;
  if (Array.isArray(errors) && errors.some((each) => isRecordTooLarge(each, depth + 1))) return true;
  return cause !== error && isRecordTooLarge(cause, depth + 1);
}
