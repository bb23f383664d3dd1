import type { SchemaClass } from '../messages/schema.js';
import type { OutgoingMessage } from '../transport/Transport.js';
import { TTL_KEY, type ProduceOptions, type Producer } from './Producer.js';

/** What a handler sees: publishing that takes effect only if the handler succeeds. */
export interface DeferredPublisher {
  /** Validates and encodes now (so mistakes fail the handler); sends after the handler succeeds. */
  produce(
    type: string | SchemaClass,
    content: object,
    options?: Omit<ProduceOptions, 'opaqueData'>,
  ): Promise<void>;
}

/**
 * Collects a handler's messages and sends them, in order, only after it succeeded. A failed,
 * retried or dead-lettered handler publishes nothing. Opaque data is inherited from the incoming
 * message, with its TTL hop count decremented.
 */
export class DeferredProducer implements DeferredPublisher {
  readonly #pending: OutgoingMessage[] = [];

  constructor(
    private readonly producer: Producer,
    private readonly inherited: Readonly<Record<string, string>>,
  ) {}

  async produce(
    type: string | SchemaClass,
    content: object,
    options: Omit<ProduceOptions, 'opaqueData'> = {},
  ): Promise<void> {
    const opaqueData = { ...this.inherited };
    const ttl = Number(opaqueData[TTL_KEY]);
    if (Number.isFinite(ttl)) opaqueData[TTL_KEY] = String(ttl - 1);
    this.#pending.push(await this.producer.encode(type, content, { ...options, opaqueData }));
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Sends everything in order; a failure leaves the rest unsent and is thrown (the message is retried). */
  async flush(): Promise<void> {
    while (this.#pending.length > 0) {
      await this.producer.send(this.#pending[0]!);
      this.#pending.shift();
    }
  }
}
