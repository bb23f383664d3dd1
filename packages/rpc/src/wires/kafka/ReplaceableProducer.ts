import type { Kafka, Producer, ProducerConfig } from 'kafkajs';

/**
 * A kafkajs producer that can be swapped for a fresh one. kafkajs keeps every topic a producer sent
 * to in its metadata requests: once one of them is deleted, each later refresh fails with
 * UNKNOWN_TOPIC_OR_PARTITION, for every send. `replace` after that error is the way out.
 */
export class ReplaceableProducer {
  #producer: Producer | undefined;
  #connected: Promise<Producer> | undefined;
  /** Counts producers: the sends of one failed request replace it once, not each. */
  #generation = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ProducerConfig,
  ) {}

  get generation(): number {
    return this.#generation;
  }

  /** The connected producer (connecting a new one when needed). */
  get(): Promise<Producer> {
    this.#connected ??= (async () => {
      const producer = this.kafka.producer(this.config);
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

  /** A fresh producer for the next send, unless `generation` was already replaced; the old one leaves in the background. */
  replace(generation: number): void {
    if (generation !== this.#generation) return;
    this.#generation += 1;
    const old = this.#producer;
    this.#producer = undefined;
    this.#connected = undefined;
    void old?.disconnect().catch(() => undefined);
  }

  async close(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    this.#connected = undefined;
    await producer?.disconnect();
  }
}
