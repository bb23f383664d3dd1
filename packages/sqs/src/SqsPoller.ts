import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { SqsError, SqsErrorCodes } from './errors.js';
import { isMissingQueue } from './queueInfo.js';

export interface PollerOptions {
  readonly queueUrl: string;
  readonly waitTimeSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly pollers: number;
  /** Most messages one ReceiveMessage asks for (SQS allows 1–10). */
  readonly perCall: number;
  /** Takes messages that arrive after a `take` was aborted (the daemon stops): nobody will take them. */
  readonly handBack: (messages: Message[]) => void;
}

/**
 * Keeps up to `pollers` ReceiveMessage long polls in flight, together asking for no more than the
 * room `take` is given, and hands out what they return. It only starts polls while `take` is
 * waiting, so a full daemon never receives (backpressure); a poll still running when `take` returns
 * keeps its messages for the next `take`. When a `take`'s signal aborts (the daemon stops), what is
 * buffered and what the polls still in flight bring goes to `handBack` as it arrives. Those polls are
 * not cut off: the server may already have leased messages to one, which would then stay hidden for
 * a whole visibility timeout. `drain` (at close) cuts off what is left.
 */
export class SqsPoller {
  #buffer: Message[] = [];
  /** Messages asked for by the polls in flight. */
  #asked = 0;
  /** A poll came back empty: `take` reports the idle queue with `[]`, so the daemon knows it polled. */
  #idle = false;
  readonly #polls = new Set<Promise<void>>();
  readonly #wakers = new Set<() => void>();
  #error: Error | undefined;
  /** Set while no `take` will come: arrivals go to `handBack`. */
  #handingBack = false;
  /** Cuts off the polls in flight at close: an empty queue must not hold it for `waitTimeSeconds`. */
  readonly #cutOff = new AbortController();

  constructor(
    private readonly client: SQSClient,
    private readonly options: PollerOptions,
  ) {}

  /**
   * Up to `max` messages; waits until some arrive, a poll comes back empty (`[]`), a poll fails
   * (thrown), or `signal` aborts, which hands back the buffer and whatever the polls bring later.
   */
  async take(max: number, signal: AbortSignal): Promise<Message[]> {
    this.#handingBack = false;
    const handBack = (): void => {
      this.#handingBack = true;
      this.options.handBack(this.#buffer.splice(0));
    };
    signal.addEventListener('abort', handBack, { once: true });
    try {
      while (!signal.aborted) {
        if (this.#buffer.length > 0) {
          this.#idle = false;
          return this.#buffer.splice(0, max);
        }
        if (this.#error !== undefined) {
          const error = this.#error;
          this.#error = undefined;
          throw error;
        }
        if (this.#idle) {
          this.#idle = false;
          return [];
        }
        this.#startPolls(max);
        await this.#nextEvent(signal);
      }
      return [];
    } finally {
      signal.removeEventListener('abort', handBack);
    }
  }

  /**
   * At close: cuts off the polls in flight and returns every message received but not taken. A poll
   * cut off after the server answered leaves its messages invisible until their visibility timeout
   * ends: late, never lost.
   */
  async drain(): Promise<Message[]> {
    this.#cutOff.abort();
    await Promise.allSettled([...this.#polls]);
    return this.#buffer.splice(0);
  }

  #startPolls(max: number): void {
    while (!this.#cutOff.signal.aborted && this.#polls.size < this.options.pollers && this.#asked < max) {
      const count = Math.min(this.options.perCall, max - this.#asked);
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
        { abortSignal: this.#cutOff.signal },
      );
      const messages = response.Messages ?? [];
      if (this.#handingBack) this.options.handBack(messages);
      else this.#buffer.push(...messages);
      if (messages.length === 0) this.#idle = true;
    } catch (error) {
      if (this.#cutOff.signal.aborted) return;
      // "The specified queue does not exist" names no queue: say which.
      if (isMissingQueue(error))
        this.#error = new SqsError(
          SqsErrorCodes.QUEUE_NOT_FOUND,
          `SQS queue ${this.options.queueUrl} does not exist (or these credentials cannot see it)`,
          { cause: error },
        );
      else this.#error = error instanceof Error ? error : new Error(String(error));
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
