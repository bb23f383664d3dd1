import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  TagQueueCommand,
  UntagQueueCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { isMissingQueue } from '@switchyard/sqs';

/**
 * The queues the wire names, by name: created (CreateQueue is idempotent for the same attributes)
 * or found (GetQueueUrl), their URLs remembered, since a queue's URL never changes while it exists.
 */
export class SqsQueues {
  readonly #urls = new Map<string, string>();

  constructor(readonly client: SQSClient) {}

  /** Creates the queue unless it exists (with these attributes: always the same ones per kind). */
  async create(name: string, attributes: Record<string, string> = {}): Promise<string> {
    const response = await this.client.send(
      new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
    );
    const url = required(response.QueueUrl, `CreateQueue returned no URL for ${name}`);
    this.#urls.set(name, url);
    return url;
  }

  /** The queue's URL, or undefined when it does not exist. */
  async find(name: string): Promise<string | undefined> {
    const known = this.#urls.get(name);
    if (known !== undefined) return known;
    try {
      const response = await this.client.send(new GetQueueUrlCommand({ QueueName: name }));
      const url = required(response.QueueUrl, `GetQueueUrl returned no URL for ${name}`);
      this.#urls.set(name, url);
      return url;
    } catch (error) {
      if (isMissingQueue(error)) return undefined;
      throw error;
    }
  }

  /** The queue was found to be gone: look it up again next time. */
  forget(name: string): void {
    this.#urls.delete(name);
  }

  async arn(url: string): Promise<string> {
    const response = await this.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return required(response.Attributes?.QueueArn, `GetQueueAttributes returned no QueueArn for ${url}`);
  }

  /** The queue's tags; undefined when the queue does not exist. */
  async tags(url: string): Promise<Record<string, string> | undefined> {
    try {
      const response = await this.client.send(new ListQueueTagsCommand({ QueueUrl: url }));
      return response.Tags ?? {};
    } catch (error) {
      if (isMissingQueue(error)) return undefined;
      throw error;
    }
  }

  async tag(url: string, tags: Record<string, string>): Promise<void> {
    await this.client.send(new TagQueueCommand({ QueueUrl: url, Tags: tags }));
  }

  async untag(url: string, keys: string[]): Promise<void> {
    await this.client.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: keys }));
  }
}

function required<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new Error(message);
  return value;
}
