import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SqsConfig } from './SqsConfig.js';

/** Options shared by the SQS and SNS clients; credentials stay with the default provider chain. */
function clientOptions(config: SqsConfig): { endpoint?: string; region?: string; maxAttempts: number } {
  return {
    endpoint: config.endpointUrl || undefined,
    // A local server accepts any region; the SDK still insists on one.
    region: config.region || (config.endpointUrl ? 'us-east-1' : undefined),
    maxAttempts: config.maxAttempts,
  };
}

export function createSqsClient(config: SqsConfig): SQSClient {
  // The SDK's own MD5 check fails a whole ReceiveMessage for one bad body; the transport checks each
  // message instead and dead-letters only the bad one.
  return new SQSClient({ ...clientOptions(config), md5: false });
}

export function createSnsClient(config: SqsConfig): SNSClient {
  return new SNSClient(clientOptions(config));
}
