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

/** Beyond its wait, how long `drain` gives a poll to answer before cutting it off (a slow network). */
const ANSWER_GRACE_MS = 5000;

/**
 * Keeps up to `pollers` ReceiveMessage long polls in flight, together asking for no more than the
 * room `take` is given, and hands out what they return. It only starts polls while `take` is
 * waiting, so a full daemon never receives (backpressure); a poll still running when `take` returns
 * keeps its messages for the next `take`. When a `take`'s signal aborts (the daemon stops), what is
 * buffered and what the polls still in flight bring goes to `handBack` as it arrives. Those polls are
 * not cut off then; at `drain` (close), see there.
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
  /** Cuts off the polls in flight at close, unless `drain` waits for them (and they do not overstay). */
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

  /** ReceiveMessage calls in flight now. */
  get pollsInFlight(): number {
    return this.#polls.size;
  }

  /**
   * At close: returns every message received but not taken, once the polls in flight have ended.
   * With `waitForPolls` (`sqs.waitForPollsAtStop`, the default) it waits for them, at most
   * `waitTimeSeconds`: SQS does not
   * notice a poll the client gave up on, so a cut-off poll stays open on the server for the rest of
   * its wait and leases whatever arrives meanwhile to nobody, hidden for a whole visibility timeout
   * (on AWS as on ElasticMQ and fauxqs). Waiting, each such message is handed back instead, visible
   * at once to the next consumer: a restarted service's first calls and messages are not held up.
   * Without it the polls are cut off at once (a prompt close; such messages are late, never lost).
   */
  async drain(waitForPolls: boolean): Promise<Message[]> {
    this.#handingBack = true;
    if (waitForPolls && this.#polls.size > 0) {
      const overstayed = setTimeout(
        () => this.#cutOff.abort(),
        this.options.waitTimeSeconds * 1000 + ANSWER_GRACE_MS,
      );
      await Promise.allSettled([...this.#polls]);
      clearTimeout(overstayed);
    }
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
