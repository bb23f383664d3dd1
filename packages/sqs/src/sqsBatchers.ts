import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type BatchResultErrorEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ReceiptBatcher, type BatchFailure } from './ReceiptBatcher.js';

/** Deletes (acks) through DeleteMessageBatch, 10 receipt handles per call. */
export function deleteBatcher(client: SQSClient, queueUrl: string, flushMs: number): ReceiptBatcher<string> {
  return new ReceiptBatcher(async (entries) => {
    const response = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries.map(({ id, value }) => ({ Id: id, ReceiptHandle: value })),
      }),
    );
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
    const response = await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries.map(({ id, value }) => ({
          Id: id,
          ReceiptHandle: value.receipt,
          VisibilityTimeout: value.seconds,
        })),
      }),
    );
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
