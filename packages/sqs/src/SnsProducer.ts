import { PublishBatchCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { OutgoingMessage, TransportProducer } from '@switchyard/core';
import { SqsError, SqsErrorCodes } from './errors.js';
import { attributesOf, checkSize, chunks, fifoFields, publishFailed } from './outgoing.js';

/**
 * Publishes to SNS topics: the message's `destination`, else the topic mapped to its media type,
 * else the default topic. Throttling and 5xx are retried by the SDK with jittered backoff
 * (`sqs.maxAttempts`); what still fails is a `SWITCHYARD_SQS_PUBLISH_FAILED` error.
 */
export class SnsProducer implements TransportProducer {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArns: Readonly<Record<string, string>>,
    private readonly defaultTopicArn: string,
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
          Message: message.body,
          MessageAttributes: attributesOf(message),
          ...fifoFields(topic, message),
        }),
      );
      return response.MessageId ?? '';
    } catch (error) {
      throw publishFailed(message, topic, error);
    }
  }

  /** Publishes in PublishBatch calls of 10 per topic; resolves with the ids in input order. */
  async sendBatch(messages: readonly OutgoingMessage[]): Promise<string[]> {
    const ids: string[] = new Array<string>(messages.length).fill('');
    const byTopic = new Map<string, number[]>();
    messages.forEach((message, index) => {
      checkSize(message);
      const topic = this.topicFor(message);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), index]);
    });
    for (const [topic, indexes] of byTopic) {
      for (const chunk of chunks(indexes, 10)) {
        const response = await this.client
          .send(
            new PublishBatchCommand({
              TopicArn: topic,
              PublishBatchRequestEntries: chunk.map((index) => ({
                Id: String(index),
                Message: messages[index]!.body,
                MessageAttributes: attributesOf(messages[index]!),
                ...fifoFields(topic, messages[index]!),
              })),
            }),
          )
          .catch((error: unknown) => {
            throw publishFailed(messages[chunk[0]!]!, topic, error);
          });
        const failure = response.Failed?.[0];
        if (failure !== undefined)
          throw publishFailed(
            messages[Number(failure.Id)]!,
            topic,
            new Error(`${failure.Code}: ${failure.Message}`),
          );
        for (const entry of response.Successful ?? []) ids[Number(entry.Id)] = entry.MessageId ?? '';
      }
    }
    return ids;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
