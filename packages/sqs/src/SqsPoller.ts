import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

export interface PollerOptions {
  readonly queueUrl: string;
  readonly waitTimeSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly pollers: number;
}

const MAX_PER_CALL = 10;

/**
 * Runs up to `pollers` ReceiveMessage long polls at once, each asking for at most what the daemon
 * has room for, and hands out what they return. It only polls while `take` is waiting, so a full
 * daemon never receives (backpressure); a poll still running when `take` returns keeps its messages
 * for the next `take`, and `drain` gives back whatever was received but never taken.
 */
export class SqsPoller {
  #buffer: Message[] = [];
  /** Messages asked for by the polls in flight. */
  #asked = 0;
  readonly #polls = new Set<Promise<void>>();
  readonly #wakers = new Set<() => void>();
  #error: Error | undefined;
  /** Aborts long polls at shutdown: an empty queue must not hold the stop for `waitTimeSeconds`. */
  readonly #stop = new AbortController();

  constructor(
    private readonly client: SQSClient,
    private readonly options: PollerOptions,
  ) {}

  /** Up to `max` messages; waits until some arrive, a poll fails (thrown), or `signal` aborts. */
  async take(max: number, signal: AbortSignal): Promise<Message[]> {
    while (!signal.aborted) {
      if (this.#buffer.length > 0) return this.#buffer.splice(0, max);
      if (this.#error !== undefined) {
        const error = this.#error;
        this.#error = undefined;
        throw error;
      }
      this.#startPolls(max);
      await this.#nextEvent(signal);
    }
    return [];
  }

  /**
   * Ends the polls in flight and returns every message received but not taken. A poll cut off
   * after the server answered leaves its messages invisible until their visibility timeout ends:
   * late, never lost.
   */
  async drain(): Promise<Message[]> {
    this.#stop.abort();
    await Promise.allSettled([...this.#polls]);
    return this.#buffer.splice(0);
  }

  #startPolls(max: number): void {
    while (!this.#stop.signal.aborted && this.#polls.size < this.options.pollers && this.#asked < max) {
      const count = Math.min(MAX_PER_CALL, max - this.#asked);
      this.#asked += count;
      const poll = this.#poll(count).finally(() => {
        this.#asked -= count;
        this.#polls.delete(poll);
        this.#wake();
      });
      this.#polls.add(poll);
    }
  }

  async #poll(count: number): Promise<void> {
    try {
      const response = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: count,
          WaitTimeSeconds: this.options.waitTimeSeconds,
          VisibilityTimeout: this.options.visibilityTimeoutSeconds,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId', 'SentTimestamp'],
        }),
        { abortSignal: this.#stop.signal },
      );
      this.#buffer.push(...(response.Messages ?? []));
    } catch (error) {
      if (!this.#stop.signal.aborted) this.#error = error instanceof Error ? error : new Error(String(error));
    }
  }

  #nextEvent(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#wakers.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#wakers.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}
