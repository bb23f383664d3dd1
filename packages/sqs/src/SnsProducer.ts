import { PublishBatchCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { OutgoingMessage, TransportProducer } from '@switchyard/core';
import { SqsError, SqsErrorCodes } from './errors.js';
import { publishInBatches } from './batchPublish.js';
import { textBody } from './textBody.js';
import { attributesOf, checkSize, fifoFields, publishFailed } from './outgoing.js';

/**
 * Publishes to SNS topics: the message's `destination`, else the topic mapped to its media type,
 * else the default topic. Throttling and 5xx are retried by the SDK with jittered backoff
 * (`sqs.maxAttempts`); what still fails is a `SWITCHYARD_SQS_PUBLISH_FAILED` error.
 */
export class SnsProducer implements TransportProducer {
  /** `releaseClient` is called at close; it closes the client once idle (see `SharedClient`). */
  constructor(
    private readonly client: SNSClient,
    private readonly topicArns: Readonly<Record<string, string>>,
    private readonly defaultTopicArn: string,
    private readonly releaseClient: () => Promise<void> = async () => client.destroy(),
  ) {}

  topicFor(message: OutgoingMessage): string {
    const topic = message.destination ?? this.topicArns[message.mediaType] ?? this.defaultTopicArn;
    if (topic === '')
      throw new SqsError(
        SqsErrorCodes.NO_DESTINATION,
        `no SNS topic for ${message.mediaType}: set sqs.topicArns or sqs.topicArn`,
      );
    return topic;
  }

  async send(message: OutgoingMessage): Promise<string> {
    const topic = this.topicFor(message);
    checkSize(message);
    try {
      const response = await this.client.send(
        new PublishCommand({
          TopicArn: topic,
          Message: textBody(message),
          MessageAttributes: attributesOf(message),
          ...fifoFields(topic, message),
        }),
      );
      return response.MessageId ?? '';
    } catch (error) {
      throw publishFailed(message, topic, error);
    }
  }

  /** PublishBatch per topic (see `publishInBatches`); resolves with the ids in input order. */
  sendBatch(messages: readonly OutgoingMessage[]): Promise<string[]> {
    return publishInBatches(
      messages,
      (message) => this.topicFor(message),
      (topic, entries) =>
        this.client.send(
          new PublishBatchCommand({
            TopicArn: topic,
            PublishBatchRequestEntries: entries.map(({ id, message }) => ({
              Id: id,
              Message: textBody(message),
              MessageAttributes: attributesOf(message),
              ...fifoFields(topic, message),
            })),
          }),
        ),
    );
  }

  close(): Promise<void> {
    return this.releaseClient();
  }
}
