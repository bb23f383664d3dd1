import type { OutgoingMessage, TransportProducer } from '../transport/Transport.js';
import type { MemoryBroker } from './MemoryBroker.js';

/** Publishes to in-memory queues: to `destination`, else the queue routed for the media type, else the default. */
export class MemoryProducer implements TransportProducer {
  constructor(
    private readonly broker: MemoryBroker,
    private readonly defaultQueue: string,
    private readonly routes: Readonly<Record<string, string>> = {},
  ) {}

  async send(message: OutgoingMessage): Promise<string> {
    const queueName = message.destination ?? this.routes[message.mediaType] ?? this.defaultQueue;
    return this.broker
      .queue(queueName)
      .send(message.body, { ...message.attributes, media_type: message.mediaType }, { key: message.key });
  }

  async close(): Promise<void> {}
}
