import { Partitioners, type IHeaders, type Kafka } from 'kafkajs';
import { isUnknownTopic } from './kafkaErrors.js';
import { RecordBatcher } from './RecordBatcher.js';
import { ReplaceableProducer } from './ReplaceableProducer.js';

/**
 * Sends calls and events: an idempotent producer (a retried send is stored once, so a call is not
 * queued twice), acks from all in-sync replicas, concurrent records sharing produce requests.
 * It never auto-creates topics: the wire creates the ones it sends to. A topic deleted under it
 * (an operator removed an API's request topic) replaces the producer (see ReplaceableProducer).
 */
export class CallSender {
  readonly #producer: ReplaceableProducer;
  readonly #batcher: RecordBatcher;

  constructor(kafka: Kafka) {
    this.#producer = new ReplaceableProducer(kafka, {
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.#batcher = new RecordBatcher(() => this.#producer.get(), 2);
  }

  async send(topic: string, key: string | null, value: string, headers: IHeaders): Promise<void> {
    const generation = this.#producer.generation;
    try {
      await this.#batcher.send(topic, { key, value, headers });
    } catch (error) {
      if (isUnknownTopic(error)) this.#producer.replace(generation);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.#producer.close();
  }
}
