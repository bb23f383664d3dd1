import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { RecordBatcher } from './RecordBatcher.js';
import type { TopicDirectory } from './TopicDirectory.js';

/** Tries of one reply (a broker failing over); a reply topic found gone ends them at once. */
const REPLY_TRIES = 3;
const REPLY_RETRY_MS = 100;

/** kafkajs's error, or the one its retrier gave up on (KafkaJSNumberOfRetriesExceeded wraps it). */
const unknownTopic = (error: unknown): boolean => {
  const { type, cause } = error as { type?: unknown; cause?: { type?: unknown } };
  return type === 'UNKNOWN_TOPIC_OR_PARTITION' || cause?.type === 'UNKNOWN_TOPIC_OR_PARTITION';
};

/**
 * Sends replies to the callers' reply topics, which are deleted when their clients close. Its own
 * producer, because a kafkajs producer keeps every topic it ever sent to in its metadata requests:
 * once one of them is deleted, its next metadata refresh fails with UNKNOWN_TOPIC_OR_PARTITION for
 * every send (and a broker that auto-creates topics would create the reply topic again). So this
 * producer never auto-creates, does not retry by itself, and is replaced after such an error; each
 * reply of a request that failed so is tried again on its own (one to a gone client returns false).
 */
export class ReplySender {
  #producer: Producer | undefined;
  #connected: Promise<Producer> | undefined;
  #closed = false;
  /** Counts producers: the replies of one failed request replace the producer once, not each. */
  #generation = 0;
  /** Concurrent replies share produce requests (replies are not ordered, so two may be under way). */
  readonly #batcher = new RecordBatcher(() => this.#connect(), 2);

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicDirectory,
  ) {}

  /** Sends `body` to the reply topic `topic`; false when that topic no longer exists. */
  async send(topic: string, body: string): Promise<boolean> {
    // A call still running when its daemon stopped: its caller has timed out by now, or will.
    if (this.#closed) return false;
    for (let attempt = 1; ; attempt += 1) {
      if (!(await this.topics.exists(topic))) return false;
      const generation = this.#generation;
      try {
        await this.#batcher.send(topic, { value: body });
        return true;
      } catch (error) {
        if (unknownTopic(error)) {
          if (generation === this.#generation) this.#replace();
          await this.topics.refresh();
        }
        if (attempt >= REPLY_TRIES) throw error;
        await sleep(REPLY_RETRY_MS * attempt);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const producer = this.#producer;
    this.#producer = undefined;
    this.#connected = undefined;
    await producer?.disconnect();
  }

  #connect(): Promise<Producer> {
    this.#connected ??= (async () => {
      const producer = this.kafka.producer({
        allowAutoTopicCreation: false,
        retry: { retries: 0 },
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      this.#producer = producer;
      try {
        await producer.connect();
      } catch (error) {
        this.#connected = undefined;
        throw error;
      }
      return producer;
    })();
    return this.#connected;
  }

  /** A fresh producer for the next reply; the old one leaves in the background. */
  #replace(): void {
    this.#generation += 1;
    const old = this.#producer;
    this.#producer = undefined;
    this.#connected = undefined;
    void old?.disconnect().catch(() => undefined);
  }
}
