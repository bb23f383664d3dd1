import type { MessageCodec } from '../messages/MessageCodec.js';
import { requireSchemaMediaType, type SchemaClass } from '../messages/schema.js';
import type { OutgoingMessage, TransportProducer } from '../transport/Transport.js';

export const TTL_KEY = 'x-request-ttl';

export interface ProduceOptions {
  /** Kafka key / FIFO group id: messages with one key stay in order. */
  key?: string;
  /** Queue or topic; default: the transport's media-type routing. */
  destination?: string;
  opaqueData?: Record<string, string>;
}

/**
 * Adds attributes (headers) to every outgoing message, e.g. trace context. Bound under
 * `TOKENS.OutgoingAttributes`; called when a message is encoded, so inside a handler it sees the
 * handler's context (its active span).
 */
export interface OutgoingAttributeSource {
  attributes(mediaType: string): Readonly<Record<string, string>>;
}

/** Validates, encodes and publishes messages through the bound transport producer. */
export class Producer {
  constructor(
    private readonly transport: TransportProducer,
    private readonly codec: MessageCodec,
    private readonly initialTtl: number,
    private readonly attributeSources: readonly OutgoingAttributeSource[] = [],
  ) {}

  /** Validates and encodes now; resolves with the server's message id once it has confirmed. */
  async produce(type: string | SchemaClass, content: object, options: ProduceOptions = {}): Promise<string> {
    return this.transport.send(await this.encode(type, content, options));
  }

  async encode(
    type: string | SchemaClass,
    content: object,
    options: ProduceOptions = {},
  ): Promise<OutgoingMessage & { readonly body: string }> {
    const mediaType = typeof type === 'string' ? type : requireSchemaMediaType(type);
    const opaqueData = { ...options.opaqueData };
    if (opaqueData[TTL_KEY] === undefined && this.initialTtl > 0)
      opaqueData[TTL_KEY] = String(this.initialTtl);
    const body = await this.codec.encode(mediaType, content, opaqueData);
    return {
      mediaType,
      body,
      attributes: Object.assign({}, ...this.attributeSources.map((source) => source.attributes(mediaType)), {
        media_type: mediaType,
      }) as Record<string, string>,
      key: options.key,
      destination: options.destination,
    };
  }

  send(message: OutgoingMessage): Promise<string> {
    return this.transport.send(message);
  }
}
