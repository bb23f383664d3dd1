import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsFailure } from './opsClient.js';

/** What the operator commands read about a queue (GetQueueAttributes). */
export interface SqsQueueState {
  readonly queueUrl: string;
  readonly arn: string;
  readonly fifo: boolean;
  /** ApproximateNumberOfMessages: waiting to be received. */
  readonly visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received, not yet deleted (leased). */
  readonly inFlight: number;
  /** ApproximateNumberOfMessagesDelayed. */
  readonly delayed: number;
  readonly visibilityTimeoutSeconds: number;
  /** The queue's RedrivePolicy, when it has one: SQS moves a message after `maxReceiveCount` receives. */
  readonly redrive?: { readonly deadLetterTargetArn: string; readonly maxReceiveCount: number };
}

/** Reads the queue's attributes; a missing queue or an unreachable server throws one line naming it. */
export async function readQueueState(client: SQSClient, queueUrl: string): Promise<SqsQueueState> {
  let attributes: Record<string, string>;
  try {
    const response = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );
    attributes = response.Attributes ?? {};
  } catch (error) {
    throw sqsFailure(error, queueUrl);
  }
  return {
    queueUrl,
    arn: attributes.QueueArn ?? '',
    fifo: attributes.FifoQueue === 'true' || queueUrl.endsWith('.fifo'),
    visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout ?? 30),
    redrive: redriveOf(attributes.RedrivePolicy),
  };
}

function redriveOf(policy: string | undefined): SqsQueueState['redrive'] {
  if (policy === undefined || policy === '') return undefined;
  try {
    const parsed = JSON.parse(policy) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    return {
      deadLetterTargetArn: typeof parsed.deadLetterTargetArn === 'string' ? parsed.deadLetterTargetArn : '',
      maxReceiveCount: Number(parsed.maxReceiveCount ?? 0),
    };
  } catch {
    return { deadLetterTargetArn: '', maxReceiveCount: 0 };
  }
}
