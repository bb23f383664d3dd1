import { SQSClient } from '@aws-sdk/client-sqs';
import { isMissingQueue } from '../queueInfo.js';

/** Where the operator commands find SQS: another server (ElasticMQ) or AWS, and its region. */
export interface SqsEndpoint {
  readonly endpointUrl?: string;
  readonly region?: string;
}

/**
 * An SQS client for the operator commands: few retries (a person waits for the answer), the
 * MD5 check off (a dead letter may be there because its MD5 did not match; it must still show).
 */
export function createOpsSqsClient(endpoint: SqsEndpoint): SQSClient {
  return new SQSClient({
    endpoint: endpoint.endpointUrl || undefined,
    region: endpoint.region || (endpoint.endpointUrl ? 'us-east-1' : undefined),
    maxAttempts: 2,
    md5: false,
  });
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
]);

/**
 * An SDK failure as one line naming the problem and the fix: a missing queue, a server that does
 * not answer, or the SDK's own message with the queue named.
 */
export function sqsFailure(error: unknown, queueUrl: string, what = 'SQS queue'): Error {
  if (isMissingQueue(error))
    return new Error(
      `${what} ${queueUrl} does not exist (or these credentials cannot see it); check the URL`,
      {
        cause: error,
      },
    );
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (UNREACHABLE.has(code))
    return new Error(`cannot reach SQS for ${queueUrl} (${message}); check --endpoint-url and --region`, {
      cause: error,
    });
  const name = error instanceof Error ? error.name : 'Error';
  return new Error(`SQS refused a call on ${queueUrl}: ${name}: ${message}`, { cause: error });
}
