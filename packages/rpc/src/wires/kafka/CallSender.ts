import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { RecordBatcher } from './RecordBatcher.js';

/**
 * Sends calls and events: an idempotent producer (a retried send is stored once, so a call is not
 * queued twice), acks from all in-sync replicas, concurrent records sharing produce requests.
 * It never auto-creates topics: the wire creates the ones it sends to.
 */
export class CallSender {
  readonly #producer: Producer;
  #connected: Promise<Producer> | undefined;
  readonly #batcher = new RecordBatcher(() => this.#connect(), 2);

  constructor(kafka: Kafka) {
    this.#producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  send(topic: string, key: string | null, value: string, headers: IHeaders): Promise<void> {
    return this.#batcher.send(topic, { key, value, headers });
  }

  async close(): Promise<void> {
    if (this.#connected === undefined) return;
    this.#connected = undefined;
    await this.#producer.disconnect();
  }

  #connect(): Promise<Producer> {
    this.#connected ??= this.#producer.connect().then(
      () => this.#producer,
      (error: unknown) => {
        this.#connected = undefined;
        throw error;
      },
    );
    return this.#connected;
  }
}
