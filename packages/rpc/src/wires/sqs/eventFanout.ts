import { CreateTopicCommand, PublishCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { isMissingQueue, type SqsTransport } from '@switchyard/sqs';
import { wireAddresses } from '../../wire/addresses.js';
import { companionQueueName } from './names.js';
import type { SqsQueues } from './SqsQueues.js';
import { TtlCache } from './TtlCache.js';

type Logger = ConstructorParameters<typeof SqsTransport>[2];

/** How an event reaches every listener's queue. */
export interface EventFanout {
  readonly kind: 'sns' | 'sqs';
  publish(api: string, event: string, body: string, mediaType: string): Promise<void>;
  /** From now on, the listener's queue (already created) gets the event's messages. */
  subscribe(api: string, event: string, listenerName: string, queueUrl: string): Promise<void>;
}

const addresses = wireAddresses.sqs;
const mediaTypeAttribute = (mediaType: string) => ({
  media_type: { DataType: 'String', StringValue: mediaType },
});

/**
 * SNS: one topic per event, `event-<api>-<event>`, created by whoever needs it first (CreateTopic is
 * idempotent); each listener queue is subscribed with raw message delivery, so listeners receive
 * the payload and its media type as if it had been sent to them.
 */
export function snsFanout(sns: SNSClient, queues: SqsQueues): EventFanout {
  const topics = new Map<string, Promise<string>>();
  const topicArn = (api: string, event: string): Promise<string> => {
    const name = addresses.events(api, event);
    let arn = topics.get(name);
    if (arn === undefined) {
      arn = sns.send(new CreateTopicCommand({ Name: name })).then((response) => {
        if (response.TopicArn === undefined) throw new Error(`CreateTopic returned no ARN for ${name}`);
        return response.TopicArn;
      });
      topics.set(name, arn);
      arn.catch(() => topics.delete(name));
    }
    return arn;
  };
  return {
    kind: 'sns',
    async publish(api, event, body, mediaType) {
      await sns.send(
        new PublishCommand({
          TopicArn: await topicArn(api, event),
          Message: body,
          MessageAttributes: mediaTypeAttribute(mediaType),
        }),
      );
    },
    async subscribe(api, event, _listenerName, queueUrl) {
      const arn = await topicArn(api, event);
      const queueArn = await queues.arn(queueUrl);
      // On AWS a queue takes SNS deliveries only when its policy allows that topic to send.
      await queues.client.send(
        new SetQueueAttributesCommand({
          QueueUrl: queueUrl,
          Attributes: { Policy: JSON.stringify(snsDeliveryPolicy(queueArn, arn)) },
        }),
      );
      // Idempotent: subscribing the same queue again with the same attributes changes nothing.
      await sns.send(
        new SubscribeCommand({
          TopicArn: arn,
          Protocol: 'sqs',
          Endpoint: queueArn,
          Attributes: { RawMessageDelivery: 'true' },
          ReturnSubscriptionArn: true,
        }),
      );
    },
  };
}

function snsDeliveryPolicy(queueArn: string, topicArn: string): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  };
}

/** The tag of the registry queue that names one listener's queue. */
const LISTENER_TAG = 'listener:';

/**
 * Plain SQS (no SNS, e.g. ElasticMQ): the wire sends the event to each listener's queue itself.
 * The listeners of an event are recorded as tags (`listener:<name>` → its queue) on an empty
 * registry queue, `event-<api>-<event>__listeners` (no listener's queue name has '__'): tags are added one key at a time, so two
 * listeners registering at once do not overwrite each other. The registry is read at most every
 * `ttlMs` per event; a listener registered in another process is sent events from then on.
 */
export function sqsFanout(queues: SqsQueues, logger: Logger, ttlMs: number): EventFanout {
  const registryName = (api: string, event: string) =>
    companionQueueName(addresses.events(api, event), '_listeners');
  const listeners = new TtlCache<readonly string[]>(
    async (registry) => {
      const url = await queues.find(registry);
      const tags = url === undefined ? undefined : await queues.tags(url);
      if (tags === undefined) return [];
      return Object.entries(tags)
        .filter(([key]) => key.startsWith(LISTENER_TAG))
        .map(([, queue]) => queue);
    },
    () => ttlMs,
  );
  // A listener queue deleted by an operator: that listener is gone, the others still get the event.
  const gone = (queue: string): void => {
    queues.forget(queue);
    logger.warn({ queue }, `listener queue ${queue} is gone; the event was not delivered to it`);
  };
  const sendTo = async (queue: string, body: string, mediaType: string): Promise<void> => {
    const url = await queues.find(queue);
    if (url === undefined) return gone(queue);
    try {
      await queues.client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          MessageAttributes: mediaTypeAttribute(mediaType),
        }),
      );
    } catch (error) {
      if (!isMissingQueue(error)) throw error;
      gone(queue);
    }
  };
  return {
    kind: 'sqs',
    async publish(api, event, body, mediaType) {
      const targets = await listeners.get(registryName(api, event));
      await Promise.all(targets.map((queue) => sendTo(queue, body, mediaType)));
    },
    async subscribe(api, event, listenerName) {
      const registry = registryName(api, event);
      const url = await queues.create(registry);
      await queues.tag(url, {
        [`${LISTENER_TAG}${listenerName}`]: addresses.listener(api, event, listenerName),
      });
      listeners.forget(registry);
    },
  };
}
