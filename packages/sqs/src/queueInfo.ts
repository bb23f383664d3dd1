import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SqsError, SqsErrorCodes } from './errors.js';
import { MAX_MESSAGE_BYTES } from './outgoing.js';

/** What the transport needs to know about its queue, read once when it starts. */
export interface QueueInfo {
  readonly visibilityTimeoutSeconds: number;
  readonly fifo: boolean;
  /** The queue's redrive target (RedrivePolicy.deadLetterTargetArn), checked to exist, if it has one. */
  readonly redrive?: { readonly arn: string; readonly url: string };
}

/** A dead-letter queue the transport copies to, checked at start. */
export interface DeadLetterQueue {
  readonly url: string;
  /** The queue's MaximumMessageSize (body plus attributes); 256 KiB when it could not be read. */
  readonly maxMessageBytes: number;
  /** Set when its attributes could not be read (no sqs:GetQueueAttributes): why, for a warning. */
  readonly unchecked?: string;
}

/**
 * Reads the queue's attributes and checks its redrive target exists; a missing queue or target is
 * a clear error naming it and the fix.
 */
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
    redrive: await redriveTarget(client, queueUrl, attributes.RedrivePolicy),
  };
}

/**
 * Checks the dead-letter queue exists and reads its size limit. `configured` says where its URL came
 * from: `sqs.deadLetterQueueUrl` (a missing one is `DEAD_LETTER_QUEUE_NOT_FOUND`) or the redrive
 * policy of `sourceQueueUrl` (already resolved by `readQueueInfo`; a missing one is
 * `REDRIVE_TARGET_NOT_FOUND`). Credentials that may send to it but not read its attributes get
 * the default limit and an `unchecked` note, not a failed start.
 */
export async function readDeadLetterQueue(
  client: SQSClient,
  url: string,
  origin: { readonly configured: true } | { readonly arn: string; readonly sourceQueueUrl: string },
): Promise<DeadLetterQueue> {
  try {
    const response = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['MaximumMessageSize'] }),
    );
    const limit = Number(response.Attributes?.MaximumMessageSize);
    return { url, maxMessageBytes: Number.isInteger(limit) && limit > 0 ? limit : MAX_MESSAGE_BYTES };
  } catch (error) {
    if (isMissingQueue(error))
      throw 'configured' in origin
        ? deadLetterQueueMissing(url, error)
        : redriveTargetMissing(origin.sourceQueueUrl, origin.arn, error);
    if (isAccessDenied(error)) return { url, maxMessageBytes: MAX_MESSAGE_BYTES, unchecked: describe(error) };
    throw error;
  }
}

/** `sqs.deadLetterQueueUrl` names no queue: at start, or when a copy is sent to it later. */
export function deadLetterQueueMissing(url: string, cause: unknown): SqsError {
  return new SqsError(
    SqsErrorCodes.DEAD_LETTER_QUEUE_NOT_FOUND,
    `dead-letter queue ${url} (sqs.deadLetterQueueUrl) does not exist (or these credentials cannot see it); ` +
      "create it, or fix sqs.deadLetterQueueUrl (empty: the queue's redrive target is used)",
    { cause },
  );
}

function redriveTargetMissing(queueUrl: string, arn: string, cause: unknown): SqsError {
  return new SqsError(
    SqsErrorCodes.REDRIVE_TARGET_NOT_FOUND,
    `the redrive policy of SQS queue ${queueUrl} names dead-letter target ${arn}, which does not exist ` +
      '(or these credentials cannot see it); create that queue, or point the redrive policy ' +
      '(RedrivePolicy.deadLetterTargetArn) at an existing queue, or remove the policy',
    { cause },
  );
}

async function redriveTarget(
  client: SQSClient,
  queueUrl: string,
  policy: string | undefined,
): Promise<{ arn: string; url: string } | undefined> {
  if (policy === undefined || policy === '') return undefined;
  let arn: string | undefined;
  try {
    arn = (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  } catch {
    arn = undefined;
  }
  // arn:aws:sqs:<region>:<account>:<name>
  const parts = typeof arn === 'string' ? arn.split(':') : [];
  const name = parts[5];
  if (arn === undefined || name === undefined || name === '')
    throw new SqsError(
      SqsErrorCodes.REDRIVE_TARGET_NOT_FOUND,
      `the redrive policy of SQS queue ${queueUrl} names no usable dead-letter target ` +
        `(RedrivePolicy ${policy.slice(0, 200)}); fix the policy's deadLetterTargetArn, or remove the policy`,
    );
  try {
    const response = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (response.QueueUrl === undefined) throw new Error(`GetQueueUrl returned no URL for ${name}`);
    return { arn, url: response.QueueUrl };
  } catch (error) {
    if (isMissingQueue(error)) throw redriveTargetMissing(queueUrl, arn, error);
    throw error;
  }
}

/** SQS's "The specified queue does not exist", under the names its protocols give it. */
export function isMissingQueue(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  return (
    name === 'QueueDoesNotExist' ||
    name === 'AWS.SimpleQueueService.NonExistentQueue' ||
    String((error as Error | undefined)?.message).includes('does not exist')
  );
}

function isAccessDenied(error: unknown): boolean {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return /AccessDenied/i.test(failure?.name ?? '') || failure?.$metadata?.httpStatusCode === 403;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
