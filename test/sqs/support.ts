import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { ConsumerDaemon, RunningDaemon, StartOptions } from '@switchyard/core';
import { inject } from 'vitest';

// The AWS default provider chain reads these; local servers accept any key.
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';

export const elasticMq = inject('elasticMqEndpoint');
export const fauxqs = inject('fauxqsEndpoint');
/** java/mvn missing on a laptop: ElasticMQ suites skip (globalSetup said so loudly). */
export const noElasticMq = elasticMq === '';

export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: 'us-east-1' });
}

let counter = 0;
/** A fresh queue per test, so tests never see each other's messages. */
export async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<string> {
  const fifo = name.endsWith('.fifo');
  const unique = `${name.replace(/\.fifo$/, '')}-${process.pid}-${Date.now()}-${++counter}${fifo ? '.fifo' : ''}`;
  const response = await client.send(
    new CreateQueueCommand({
      QueueName: unique,
      Attributes: fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true', ...attributes } : attributes,
    }),
  );
  return response.QueueUrl!;
}

export async function queueArn(client: SQSClient, url: string): Promise<string> {
  const response = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return response.Attributes!.QueueArn!;
}

/** Visible + in flight + delayed: 0 means every message was deleted. */
export async function messagesLeft(client: SQSClient, url: string): Promise<number> {
  const response = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const attributes = response.Attributes ?? {};
  return (
    Number(attributes.ApproximateNumberOfMessages ?? 0) +
    Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

export async function sendRaw(
  client: SQSClient,
  url: string,
  body: string,
  attributes: Record<string, string> = {},
  extra: { MessageGroupId?: string } = {},
): Promise<void> {
  await client.send(
    new SendMessageCommand({
      QueueUrl: url,
      MessageBody: body,
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
      ...extra,
    }),
  );
}

/** Receives until `count` messages arrived or `timeoutMs` passed (deleting nothing). */
export async function receiveAll(
  client: SQSClient,
  url: string,
  count: number,
  timeoutMs = 10_000,
  visibilityTimeout = 30,
): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (messages.length < count && Date.now() < deadline) {
    const response = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: visibilityTimeout,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...(response.Messages ?? []));
  }
  return messages;
}

export function attribute(message: Message, name: string): string | undefined {
  return message.MessageAttributes?.[name]?.StringValue;
}

/** Starts a daemon quietly with fast retries; `argv` adds to (and overrides) these. */
export function startDaemon(
  daemon: ConsumerDaemon,
  endpoint: string,
  queueUrl: string,
  argv: string[] = [],
  options: StartOptions = {},
): Promise<RunningDaemon> {
  return daemon.start({
    ...options,
    argv: [
      '--queue-url',
      queueUrl,
      '--endpoint-url',
      endpoint,
      '--set',
      'daemon.logLevel=silent',
      '--set',
      'sqs.waitTimeSeconds=1',
      '--set',
      'consumer.backoffBaseSeconds=0',
      ...argv,
    ],
    env: options.env ?? {},
  });
}

/** Resolves when `count` messages have a final outcome, or rejects after `timeoutMs`. */
export async function finished(running: RunningDaemon, count: number, timeoutMs = 30_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    running.finished(count),
    new Promise((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `only ${running.counter.finished} of ${count} finished: ${running.counter.summaryLine()}`,
            ),
          ),
        timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
