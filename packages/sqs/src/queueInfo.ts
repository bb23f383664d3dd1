import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SqsError, SqsErrorCodes } from './errors.js';

/** What the transport needs to know about its queue, read once when it starts. */
export interface QueueInfo {
  readonly visibilityTimeoutSeconds: number;
  readonly fifo: boolean;
  /** URL of the queue's redrive target (RedrivePolicy.deadLetterTargetArn), if it has one. */
  readonly redriveQueueUrl?: string;
}

/** Reads the queue's attributes; a missing queue is a clear error naming the URL. */
export async function readQueueInfo(client: SQSClient, queueUrl: string): Promise<QueueInfo> {
  let attributes: Record<string, string>;
  try {
    const response = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );
    attributes = response.Attributes ?? {};
  } catch (error) {
    if (isMissingQueue(error))
      throw new SqsError(
        SqsErrorCodes.QUEUE_NOT_FOUND,
        `SQS queue ${queueUrl} does not exist (or these credentials cannot see it)`,
        { cause: error },
      );
    throw error;
  }
  return {
    visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout ?? '30'),
    fifo: attributes.FifoQueue === 'true' || queueUrl.endsWith('.fifo'),
    redriveQueueUrl: await redriveTargetUrl(client, attributes.RedrivePolicy),
  };
}

async function redriveTargetUrl(client: SQSClient, policy: string | undefined): Promise<string | undefined> {
  if (policy === undefined) return undefined;
  const arn = (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  // arn:aws:sqs:<region>:<account>:<name>
  const parts = arn?.split(':') ?? [];
  const name = parts[5];
  if (name === undefined) return undefined;
  const response = await client.send(new GetQueueUrlCommand({ QueueName: name }));
  return response.QueueUrl;
}

function isMissingQueue(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  return (
    name === 'QueueDoesNotExist' ||
    name === 'AWS.SimpleQueueService.NonExistentQueue' ||
    String((error as Error | undefined)?.message).includes('does not exist')
  );
}
