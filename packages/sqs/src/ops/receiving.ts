import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { sqsFailure } from './opsClient.js';

/** One ReceiveMessage with every attribute, hiding what it returns for `visibilitySeconds`. */
export async function receiveSome(
  client: SQSClient,
  queueUrl: string,
  max: number,
  visibilitySeconds: number,
  waitSeconds = 1,
): Promise<Message[]> {
  try {
    const response = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: visibilitySeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return response.Messages ?? [];
  } catch (error) {
    throw sqsFailure(error, queueUrl);
  }
}

/**
 * Makes held messages visible again at once (visibility 0), ten per call. Returns how many could
 * not be released: those come back by themselves when their visibility timeout runs out.
 */
export async function releaseAll(
  client: SQSClient,
  queueUrl: string,
  receipts: readonly string[],
): Promise<number> {
  let failed = 0;
  for (let start = 0; start < receipts.length; start += 10) {
    const entries = receipts
      .slice(start, start + 10)
      .map((receipt, index) => ({ Id: String(index), ReceiptHandle: receipt, VisibilityTimeout: 0 }));
    try {
      const response = await client.send(
        new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
      );
      failed += response.Failed?.length ?? 0;
    } catch {
      failed += entries.length;
    }
  }
  return failed;
}
