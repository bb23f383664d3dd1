import { SwitchyardError } from '@switchyard/core';

/** Error codes of @switchyard/sqs; thrown as `SwitchyardError` like core's. */
export const SqsErrorCodes = {
  /** The configured queue does not exist, or the credentials may not see it. */
  QUEUE_NOT_FOUND: 'SWITCHYARD_SQS_QUEUE_NOT_FOUND',
  /** `sqs.deadLetterQueueUrl` names a queue that does not exist (or the credentials may not see it). */
  DEAD_LETTER_QUEUE_NOT_FOUND: 'SWITCHYARD_SQS_DEAD_LETTER_QUEUE_NOT_FOUND',
  /** The queue's redrive policy names a dead-letter target that does not exist, or cannot be read. */
  REDRIVE_TARGET_NOT_FOUND: 'SWITCHYARD_SQS_REDRIVE_TARGET_NOT_FOUND',
  /** No topic (or queue) is configured for the media type being published. */
  NO_DESTINATION: 'SWITCHYARD_SQS_NO_DESTINATION',
  /** The message, with its attributes, is over the 256 KiB SQS/SNS limit. */
  MESSAGE_TOO_LARGE: 'SWITCHYARD_SQS_MESSAGE_TOO_LARGE',
  /** SNS or SQS refused or failed a publish after the SDK's retries. */
  PUBLISH_FAILED: 'SWITCHYARD_SQS_PUBLISH_FAILED',
  /** A batch acknowledgement (delete or visibility change) failed for a message after retries. */
  BATCH_ENTRY_FAILED: 'SWITCHYARD_SQS_BATCH_ENTRY_FAILED',
  /** `produceBatch` on a daemon that publishes through neither SNS nor SQS. */
  BATCH_UNSUPPORTED: 'SWITCHYARD_SQS_BATCH_UNSUPPORTED',
} as const;

export type SqsErrorCode = (typeof SqsErrorCodes)[keyof typeof SqsErrorCodes];

/** A `SwitchyardError` with one of this package's codes; `SwitchyardError.is` and `.code` work as for core's. */
export class SqsError extends SwitchyardError {
  constructor(code: SqsErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
