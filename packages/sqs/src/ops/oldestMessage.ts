import type { SQSClient } from '@aws-sdk/client-sqs';
import { receiveSome } from './receiving.js';

/**
 * When the oldest of a sample of up to ten visible messages was sent (epoch ms), undefined when
 * none is visible. SQS tells a message's age only by receiving it (or through CloudWatch's
 * ApproximateAgeOfOldestMessage), so this receives them with visibility 0: the consumer can take
 * them at once, but each one's receive count rises by one. A standard queue returns a sample, not
 * necessarily the oldest; a FIFO queue returns the head of its groups.
 */
export async function oldestOfSample(client: SQSClient, queueUrl: string): Promise<number | undefined> {
  const received = await receiveSome(client, queueUrl, 10, 0, 0);
  const sent = received.map((message) => Number(message.Attributes?.SentTimestamp)).filter((at) => at > 0);
  return sent.length === 0 ? undefined : Math.min(...sent);
}
