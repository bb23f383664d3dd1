import {
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { wait } from '@switchyard/core';
import { isMissingQueue, type SqsTransport } from '@switchyard/sqs';

type Logger = ConstructorParameters<typeof SqsTransport>[2];

// A failed receive (the broker unreachable) is tried again after this pause.
const RETRY_PAUSE_MS = 1000;

export interface ReplyInboxOptions {
  /** Long polls in flight at once (replies of concurrent calls arrive together). */
  readonly pollers: number;
  /** Long-poll wait of one receive, 0-20 s. */
  readonly waitTimeSeconds: number;
  /** Creates the queue again under the same name (and URL): it was deleted under the open bus. */
  readonly recreate: () => Promise<void>;
}

/**
 * A client's reply queue, read by long polls: each reply is handed over, then deleted (a delete
 * that fails only means the reply comes back once more, and the bus ignores a correlation id it no
 * longer waits for). `close` stops the polls and deletes the queue.
 */
export class ReplyInbox {
  readonly #stopping = new AbortController();
  readonly #polls: Array<Promise<void>> = [];
  readonly #deletes = new Set<Promise<void>>();
  #failures = 0;

  constructor(
    private readonly client: SQSClient,
    readonly url: string,
    private readonly onReply: (body: string) => void,
    private readonly logger: Logger,
    options: ReplyInboxOptions,
  ) {
    for (let index = 0; index < options.pollers; index += 1) this.#polls.push(this.#poll(options));
  }

  async #poll({ waitTimeSeconds, recreate }: ReplyInboxOptions): Promise<void> {
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      let messages: Message[];
      try {
        const response = await this.client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: waitTimeSeconds,
          }),
          { abortSignal: signal },
        );
        messages = response.Messages ?? [];
        this.#recovered();
      } catch (error) {
        if (signal.aborted) return;
        this.#failed(error);
        // Deleted by someone else, or lost by a broker without persistence: replies to calls made
        // from now on arrive again (those sent meanwhile are lost: their callers time out).
        if (isMissingQueue(error)) await recreate().catch(() => undefined);
        await wait(RETRY_PAUSE_MS, signal);
        continue;
      }
      for (const message of messages) {
        try {
          this.onReply(message.Body ?? '');
        } catch (error) {
          this.logger.warn({ err: error }, 'a reply could not be handed over; dropped');
        }
      }
      if (messages.length > 0) this.#delete(messages);
    }
  }

  #delete(messages: readonly Message[]): void {
    const done = this.client
      .send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.url,
          Entries: messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle ?? '',
          })),
        }),
      )
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.warn({ err: error, queueUrl: this.url }, 'could not delete handled replies'),
      );
    this.#deletes.add(done);
    void done.finally(() => this.#deletes.delete(done));
  }

  /** One line when receiving starts failing, one when it works again: not one per poll. */
  #failed(error: unknown): void {
    this.#failures += 1;
    if (this.#failures === 1)
      this.logger.warn(
        { err: error, queueUrl: this.url },
        isMissingQueue(error)
          ? 'the reply queue is gone (deleted, or lost by the broker); creating it again'
          : 'cannot receive replies; retrying every second (calls time out meanwhile)',
      );
  }

  #recovered(): void {
    if (this.#failures > 0) this.logger.info({ failures: this.#failures }, 'receiving replies again');
    this.#failures = 0;
  }

  /** Stops receiving and deletes the queue; replies sent after it are refused by SQS. */
  async close(): Promise<void> {
    this.#stopping.abort();
    await Promise.all(this.#polls);
    await Promise.allSettled(this.#deletes);
    try {
      await this.client.send(new DeleteQueueCommand({ QueueUrl: this.url }));
    } catch (error) {
      if (!isMissingQueue(error)) throw error;
    }
  }
}
