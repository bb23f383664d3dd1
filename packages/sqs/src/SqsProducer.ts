import {
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { OutgoingMessage, TransportProducer } from '@switchyard/core';
import { SqsError, SqsErrorCodes } from './errors.js';
import { publishInBatches } from './batchPublish.js';
import { textBody } from './textBody.js';
import { attributesOf, checkSize, fifoFields, publishFailed } from './outgoing.js';

/**
 * Sends straight to SQS queues: `destination`, else the queue mapped to the media type, else the
 * default. A destination may be a queue URL or a queue name (a routing-slip stop), resolved once.
 */
export class SqsProducer implements TransportProducer {
  readonly #urlsByName = new Map<string, Promise<string>>();

  /** `releaseClient` is called at close; it closes the client once unused and idle (`SharedClient`). */
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrls: Readonly<Record<string, string>>,
    private readonly defaultQueueUrl: string,
    private readonly releaseClient: () => Promise<void> = async () => undefined,
  ) {}

  async queueFor(message: OutgoingMessage): Promise<string> {
    const queue = message.destination ?? this.queueUrls[message.mediaType] ?? this.defaultQueueUrl;
    if (queue === '')
      throw new SqsError(
        SqsErrorCodes.NO_DESTINATION,
        `no SQS queue for ${message.mediaType}: set sqs.queueUrls, sqs.producerQueueUrl or sqs.queueUrl`,
      );
    return queue.includes('://') ? queue : this.#urlOf(queue);
  }

  #urlOf(name: string): Promise<string> {
    let url = this.#urlsByName.get(name);
    if (url === undefined) {
      url = this.client.send(new GetQueueUrlCommand({ QueueName: name })).then(
        (response) => response.QueueUrl ?? '',
        (error: unknown) => {
          this.#urlsByName.delete(name); // not cached: the queue may be created later
          throw new SqsError(SqsErrorCodes.QUEUE_NOT_FOUND, `no SQS queue named "${name}"`, { cause: error });
        },
      );
      this.#urlsByName.set(name, url);
    }
    return url;
  }

  async send(message: OutgoingMessage): Promise<string> {
    const queue = await this.queueFor(message);
    checkSize(message);
    try {
      const response = await this.client.send(
        new SendMessageCommand({
          QueueUrl: queue,
          MessageBody: textBody(message),
          MessageAttributes: attributesOf(message),
          ...fifoFields(queue, message),
        }),
      );
      return response.MessageId ?? '';
    } catch (error) {
      throw publishFailed(message, queue, error);
    }
  }

  /** SendMessageBatch per queue (see `publishInBatches`); resolves with the ids in input order. */
  sendBatch(messages: readonly OutgoingMessage[]): Promise<string[]> {
    return publishInBatches(
      messages,
      (message) => this.queueFor(message),
      (queue, entries) =>
        this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: queue,
            Entries: entries.map(({ id, message }) => ({
              Id: id,
              MessageBody: textBody(message),
              MessageAttributes: attributesOf(message),
              ...fifoFields(queue, message),
            })),
          }),
        ),
    );
  }

  close(): Promise<void> {
    return this.releaseClient();
  }
}
