import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Kafka } from 'kafkajs';
import { isUnknownTopic } from './kafkaErrors.js';
import { RecordBatcher } from './RecordBatcher.js';
import { ReplaceableProducer } from './ReplaceableProducer.js';
import type { TopicDirectory } from './TopicDirectory.js';

/** Tries of one reply (a broker failing over); a reply topic found gone ends them at once. */
const REPLY_TRIES = 3;
const REPLY_RETRY_MS = 100;

/**
 * Sends replies to the callers' reply topics, which are deleted when their clients close. Its own
 * producer, which never auto-creates topics (a broker that does would create a deleted reply topic
 * again), does not retry by itself, and is replaced after an unknown-topic error (see
 * ReplaceableProducer); each reply of a request that failed so is tried again on its own, and one
 * to a client that has gone returns false.
 */
export class ReplySender {
  readonly #producer: ReplaceableProducer;
  /** Concurrent replies share produce requests (replies are not ordered, so two may be under way). */
  readonly #batcher: RecordBatcher;
  #closed = false;

  constructor(
    kafka: Kafka,
    private readonly topics: TopicDirectory,
  ) {
    this.#producer = new ReplaceableProducer(kafka, {
      allowAutoTopicCreation: false,
      retry: { retries: 0 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.#batcher = new RecordBatcher(() => this.#producer.get(), 2);
  }

  /** Sends `body` to the reply topic `topic`; false when that topic no longer exists. */
  async send(topic: string, body: string): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      // A call still running when its daemon stopped: its caller has timed out by now, or will.
      if (this.#closed || !(await this.topics.exists(topic))) return false;
      const generation = this.#producer.generation;
      try {
        await this.#batcher.send(topic, { value: body });
        return true;
      } catch (error) {
        if (isUnknownTopic(error)) {
          this.#producer.replace(generation);
          await this.topics.refresh();
        }
        if (attempt >= REPLY_TRIES) throw error;
        await sleep(REPLY_RETRY_MS * attempt);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#producer.close();
  }
}
