import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import {
  ContainerModule,
  type ConsumerDaemon,
  type RunningDaemon,
  type StartOptions,
} from '@switchyard/core';
import { afterEach, beforeEach, inject } from 'vitest';
import { startFaultyProxy, type FaultyProxy } from '../servers/faultyProxy.js';
import { resetHandler } from './fixtures.js';

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

export interface SqsServer {
  readonly name: string;
  readonly endpoint: string;
  /** Not started (ElasticMQ without java/mvn): its suites skip. */
  readonly missing: boolean;
}

/** Both servers the behaviour suites run on: ElasticMQ (the strict SQS) and fauxqs. */
export const sqsServers: readonly SqsServer[] = [
  { name: 'ElasticMQ', endpoint: elasticMq, missing: noElasticMq },
  { name: 'fauxqs', endpoint: fauxqs, missing: false },
];

/**
 * A client for the daemon (rebind `SQSClient`) that calls `observe` with each command and its
 * input before sending; the function it returns, if any, is called once the call has ended.
 */
export function observedClient(
  endpoint: string,
  observe: (command: string, input: Record<string, unknown>) => (() => void) | void,
): SQSClient {
  const client = new SQSClient({ endpoint, region: 'us-east-1', md5: false });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const ended = observe(context.commandName ?? '', args.input as Record<string, unknown>);
      try {
        return await next(args);
      } finally {
        ended?.();
      }
    },
    { step: 'initialize', name: 'observeForTest' },
  );
  return client;
}

/** A module that gives the daemon `client` as its SQS client. */
export function useClient(client: SQSClient): ContainerModule {
  return new ContainerModule(({ rebind }) => {
    rebind(SQSClient).toConstantValue(client);
  });
}

export { until } from '../support/until.js';

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

/**
 * For a suite: resets the test handler before each test and, after it, stops every daemon the test
 * started through the returned function (which takes `startDaemon`'s arguments).
 */
export function daemonPerTest(): typeof startDaemon {
  const started: RunningDaemon[] = [];
  beforeEach(() => resetHandler());
  afterEach(async () => {
    for (const running of started.splice(0)) await running.stop();
  });
  return async (...args) => {
    const running = await startDaemon(...args);
    started.push(running);
    return running;
  };
}

/**
 * For a suite behind a faulty proxy: a fresh proxy in front of `endpoint` for each test (the getter
 * returns it). Call it before `daemonPerTest`: after-each hooks run in reverse, so daemons stop first.
 */
export function proxyPerTest(endpoint: string): () => FaultyProxy {
  let proxy: FaultyProxy | undefined;
  beforeEach(async () => {
    proxy = await startFaultyProxy(endpoint);
  });
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });
  return () => proxy!;
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
