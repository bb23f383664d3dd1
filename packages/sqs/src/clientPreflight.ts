import type { SQSClient } from '@aws-sdk/client-sqs';
import { ErrorCodes, SwitchyardError } from '@switchyard/core';

// AWS's own SQS hosts: sqs.<region>.amazonaws.com (.cn in China), VPC endpoints, the dual-stack api.aws.
const AWS_HOST = /(^|\.)(amazonaws\.com(\.cn)?|api\.aws)$/;

/**
 * What the SDK needs before any call can work, checked once when the transport starts: a queue URL
 * the client will really call, a region and credentials. Each problem stops the start with one line
 * naming what is missing and the fix; without this the poll loop retried for ever, the SDK printing
 * its own warning on every poll.
 */
export async function checkClientSetup(client: SQSClient, queueUrl: string): Promise<void> {
  const host = queueHost(queueUrl);
  if (!AWS_HOST.test(host.hostname) && client.config.isCustomEndpoint !== true)
    throw invalid(
      `sqs.queueUrl ${queueUrl} is a queue of a local or compatible server (${host.hostname}), but ` +
        'sqs.endpointUrl is empty (the SDK then wants an AWS region, and warns on every call): pass ' +
        `--endpoint-url ${host.origin} (sqs.endpointUrl)`,
    );
  try {
    await client.config.region();
  } catch (error) {
    throw invalid('no AWS region: pass --region <region> (sqs.region) or set AWS_REGION', error);
  }
  try {
    await client.config.credentials();
  } catch (error) {
    throw invalid(
      `no AWS credentials: the SDK's default chain found none (${reason(error)}); set AWS_ACCESS_KEY_ID ` +
        'and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with a role. A local server (ElasticMQ, ' +
        'fauxqs) accepts any: AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local',
      error,
    );
  }
}

function queueHost(queueUrl: string): URL {
  try {
    return new URL(queueUrl);
  } catch {
    throw invalid(
      `sqs.queueUrl "${queueUrl}" is not a URL: give the queue's URL, as GetQueueUrl returns it ` +
        "(https://sqs.<region>.amazonaws.com/<account>/<name>, or the local server's)",
    );
  }
}

function invalid(message: string, cause?: unknown): SwitchyardError {
  return new SwitchyardError(ErrorCodes.CONFIG_INVALID, message, { cause });
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
