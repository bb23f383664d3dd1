import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type BatchResultErrorEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SqsError, SqsErrorCodes } from './errors.js';
import { isMissingQueue } from './queueInfo.js';
import { ReceiptBatcher, type BatchFailure } from './ReceiptBatcher.js';

/** Deletes (acks) through DeleteMessageBatch, 10 receipt handles per call. */
export function deleteBatcher(client: SQSClient, queueUrl: string, flushMs: number): ReceiptBatcher<string> {
  return new ReceiptBatcher(async (entries) => {
    const response = await client
      .send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries.map(({ id, value }) => ({ Id: id, ReceiptHandle: value })),
        }),
      )
      .catch(namingQueue(queueUrl));
    return failuresOf(response.Failed);
  }, flushMs);
}

export interface VisibilityChange {
  readonly receipt: string;
  readonly seconds: number;
}

/** Nacks and releases through ChangeMessageVisibilityBatch, 10 per call. */
export function visibilityBatcher(
  client: SQSClient,
  queueUrl: string,
  flushMs: number,
): ReceiptBatcher<VisibilityChange> {
  return new ReceiptBatcher(async (entries) => {
    const response = await client
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries.map(({ id, value }) => ({
            Id: id,
            ReceiptHandle: value.receipt,
            VisibilityTimeout: value.seconds,
          })),
        }),
      )
      .catch(namingQueue(queueUrl));
    return failuresOf(response.Failed);
  }, flushMs);
}

function failuresOf(failed: readonly BatchResultErrorEntry[] | undefined): BatchFailure[] {
  return (failed ?? []).map((entry) => ({
    id: entry.Id ?? '',
    message: `${entry.Code ?? 'error'}: ${entry.Message ?? ''}`,
    senderFault: entry.SenderFault === true,
  }));
}

/** "The specified queue does not exist" names no queue: say which. */
function namingQueue(queueUrl: string): (error: unknown) => never {
  return (error) => {
    if (!isMissingQueue(error)) throw error;
    throw new SqsError(
      SqsErrorCodes.QUEUE_NOT_FOUND,
      `SQS queue ${queueUrl} does not exist (or these credentials cannot see it)`,
      { cause: error },
    );
  };
}
