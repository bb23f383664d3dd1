import type { OutgoingMessage, TransportProducer } from '@switchyard/core';
import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { KafkaProduceError } from './KafkaProduceError.js';

/** Header that carries the media type, so consumers route without parsing the body. */
export const MEDIA_TYPE_HEADER = 'media_type';

export interface ProducerRouting {
  /** Topic when neither the message nor a route names one. */
  readonly defaultTopic: string;
  /** media type → topic */
  readonly routes: Readonly<Record<string, string>>;
}

/**
 * Publishes encoded messages with an idempotent kafkajs producer (acks from all in-sync replicas,
 * retries without duplicates). Concurrent sends are batched by kafkajs per broker. The topic is the
 * message's destination, else its media type's route, else the default.
 */
export class KafkaProducer implements TransportProducer {
  readonly #producer: Producer;
  #connected: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly routing: ProducerRouting,
  ) {
    this.#producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      // kafkajs 2's default (murmur2, as the Java client), named so kafkajs does not warn at every
      // start that its default changed in 2.0.0: the same key lands on the same partition as with
      // Java producers. (LegacyPartitioner is what kafkajs 1.x used.)
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  topicFor(message: Pick<OutgoingMessage, 'mediaType' | 'destination'>): string {
    return message.destination ?? this.routing.routes[message.mediaType] ?? this.routing.defaultTopic;
  }

  async send(message: OutgoingMessage): Promise<string> {
    const topic = this.topicFor(message);
    const headers = { ...message.attributes, [MEDIA_TYPE_HEADER]: message.mediaType };
    // Bytes from a raw-bytes handler go out as they are: a Buffer view, not a copy.
    const { body } = message;
    const value =
      typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return this.sendRaw(topic, message.key ?? null, value, headers);
  }

  /** Sends one record as is; resolves with `topic/partition/offset` once the brokers confirmed it. */
  async sendRaw(
    topic: string,
    key: string | Buffer | null,
    value: string | Buffer | null,
    headers: IHeaders,
  ): Promise<string> {
    if (topic === '') throw new KafkaProduceError('(none)', false, new Error('no topic configured'));
    try {
      await this.#connect();
      const [record] = await this.#producer.send({ topic, acks: -1, messages: [{ key, value, headers }] });
      return `${topic}/${record?.partition ?? '?'}/${record?.baseOffset ?? '?'}`;
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable !== false;
      throw new KafkaProduceError(topic, retriable, error);
    }
  }

  async close(): Promise<void> {
    if (this.#connected === undefined) return;
    this.#connected = undefined;
    await this.#producer.disconnect();
  }

  #connect(): Promise<void> {
    this.#connected ??= this.#producer.connect().catch((error: unknown) => {
      this.#connected = undefined;
      throw error;
    });
    return this.#connected;
  }
}
