import { GetQueueUrlCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  createLogger,
  DEAD_LETTER_ATTRIBUTES,
  type RunningDaemon,
  type StartOptions,
} from '@switchyard/core';
import { sqsTransportFactory } from '@switchyard/sqs';
import { createBus, type ApiDaemon, type Bus } from '@switchyard/rpc';
import { deadLetterQueueName, sqsWire } from '@switchyard/rpc/sqs';
import { createQueue, sqsClient, startDaemon } from './support.js';

/** How events travel: SNS topics (fauxqs) or sent by the wire to each listener queue (ElasticMQ). */
export type EventMode = 'sns' | 'sqs';

/**
 * Starts an API daemon on SQS, quiet, consuming a fresh main queue of its own. The daemon classes
 * of the RPC suites name no transport, so SQS is put in here; `events: 'sns'` makes its producer
 * (and so its wire's events) SNS.
 */
export async function startApiDaemon(
  daemon: ApiDaemon,
  endpoint: string,
  events: EventMode,
  argv: readonly string[] = [],
  options: StartOptions = {},
): Promise<RunningDaemon> {
  Object.defineProperty(daemon, 'transports', { value: [sqsTransportFactory] });
  const main = await createQueue(sqsClient(endpoint), `${daemon.name}-main`);
  return startDaemon(
    daemon,
    endpoint,
    main,
    [...(events === 'sns' ? ['--set', 'sqs.producer=sns'] : []), ...argv],
    options,
  );
}

const silent = createLogger('rpc-client', 'silent', 'json');

/** A client-only bus on the server, its replies long-polled for 1 s at a time. */
export function clientBus(endpoint: string, events: EventMode): Promise<Bus> {
  return createBus({
    wire: sqsWire({ sqs: { endpointUrl: endpoint, waitTimeSeconds: 1 }, events, logger: silent }),
  });
}

/**
 * The reasons of the dead letters of the lane at `address` (a request or listener queue), read
 * from its `_dlq` without taking them (visibility 0, a few receives, each message once).
 */
export async function deadLetterReasons(client: SQSClient, address: string): Promise<string[]> {
  const url = await client
    .send(new GetQueueUrlCommand({ QueueName: deadLetterQueueName(address) }))
    .then((response) => response.QueueUrl!)
    .catch(() => undefined);
  if (url === undefined) return [];
  const reasons = new Map<string, string>();
  for (let round = 0; round < 5; round += 1) {
    const response = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    for (const message of response.Messages ?? [])
      reasons.set(
        message.MessageId ?? '',
        message.MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.reason]?.StringValue ?? '',
      );
  }
  return [...reasons.values()];
}
