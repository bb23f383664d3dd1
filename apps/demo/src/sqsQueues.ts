import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';

/**
 * The demo creates its stops' queues and a dead-letter queue for each (a production deployment
 * would provision them; the daemons refuse to start when their queue is missing). Creating an
 * existing queue returns its URL. Returns stop → { queue URL, dead-letter queue URL }.
 */
export async function ensureQueues(
  stops: readonly string[],
  endpoint: string | undefined,
): Promise<Map<string, { queueUrl: string; deadLetterQueueUrl: string }>> {
  const client = new SQSClient(endpoint === undefined ? {} : { endpoint });
  const create = async (name: string): Promise<string> =>
    (await client.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
  try {
    const entries = await Promise.all(
      stops.map(
        async (stop) =>
          [stop, { queueUrl: await create(stop), deadLetterQueueUrl: await create(`${stop}-dlq`) }] as const,
      ),
    );
    return new Map(entries);
  } finally {
    client.destroy();
  }
}
