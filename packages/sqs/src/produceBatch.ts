import {
  TOKENS,
  type Producer,
  type ProduceOptions,
  type RunningDaemon,
  type SchemaClass,
} from '@switchyard/core';
import type { SnsProducer } from './SnsProducer.js';
import type { SqsProducer } from './SqsProducer.js';

export interface BatchItem {
  readonly type: string | SchemaClass;
  readonly content: object;
  readonly options?: ProduceOptions;
}

/**
 * Validates and encodes every message first (nothing is sent if one is invalid), then publishes
 * them with PublishBatch / SendMessageBatch, 10 per call. Resolves with the ids in input order.
 */
export async function produceBatch(daemon: RunningDaemon, items: readonly BatchItem[]): Promise<string[]> {
  const producer: Producer = daemon.producer;
  const encoded = await Promise.all(
    items.map((item) => producer.encode(item.type, item.content, item.options)),
  );
  const transport = daemon.container.get<SnsProducer | SqsProducer>(TOKENS.TransportProducer);
  return transport.sendBatch(encoded);
}
