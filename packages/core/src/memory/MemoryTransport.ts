import type { DeadLetterDetails, Transport, TransportMessage } from '../transport/Transport.js';
import type { MemoryBroker } from './MemoryBroker.js';
import type { MemoryQueue } from './MemoryQueue.js';

/** Attributes a dead-lettered message carries, on every transport. */
export const DEAD_LETTER_ATTRIBUTES = {
  reason: 'x-dead-letter-reason',
  source: 'x-original-source',
  attempts: 'x-attempts',
} as const;

interface MemoryMessage extends TransportMessage {
  readonly receipt: string;
}

/** The embedded default transport: consumes one queue of a `MemoryBroker`. */
export class MemoryTransport implements Transport {
  readonly name = 'memory';
  readonly leaseSeconds: number;
  readonly #queue: MemoryQueue;
  readonly #deadLetters: MemoryQueue;

  constructor(
    broker: MemoryBroker,
    queueName: string,
    /** How long one receive waits for messages (a long poll). */
    private readonly waitMs = 1000,
  ) {
    this.#queue = broker.queue(queueName);
    this.#deadLetters = broker.deadLetterQueue(queueName);
    this.leaseSeconds = this.#queue.options.visibilityTimeoutSeconds;
  }

  async receive(max: number, signal: AbortSignal): Promise<TransportMessage[]> {
    const deliveries = await this.#queue.receive(max, this.waitMs, signal);
    return deliveries.map((delivery): MemoryMessage => ({
      id: delivery.id,
      receipt: delivery.receipt,
      body: delivery.body,
      attributes: delivery.attributes,
      attempt: delivery.receiveCount,
      source: this.#queue.name,
      orderingKey: delivery.key,
      key: delivery.key,
      sentAt: delivery.sentAt,
    }));
  }

  async ack(message: TransportMessage): Promise<void> {
    this.#queue.delete(receiptOf(message));
  }

  async nack(message: TransportMessage, delaySeconds: number): Promise<void> {
    this.#queue.changeVisibility(receiptOf(message), delaySeconds);
  }

  async extend(message: TransportMessage, seconds: number): Promise<void> {
    this.#queue.changeVisibility(receiptOf(message), seconds);
  }

  async deadLetter(message: TransportMessage, details: DeadLetterDetails): Promise<void> {
    this.#deadLetters.send(message.body, {
      ...message.attributes,
      [DEAD_LETTER_ATTRIBUTES.reason]: details.reason,
      [DEAD_LETTER_ATTRIBUTES.source]: message.source,
      [DEAD_LETTER_ATTRIBUTES.attempts]: String(details.attempts),
    });
    this.#queue.delete(receiptOf(message));
  }

  async close(): Promise<void> {}
}

function receiptOf(message: TransportMessage): string {
  return (message as MemoryMessage).receipt;
}
