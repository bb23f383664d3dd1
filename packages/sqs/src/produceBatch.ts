import {
  TOKENS,
  transportProducerToken,
  type ProduceOptions,
  type RunningDaemon,
  type SchemaClass,
} from '@switchyard/core';
import { SqsError, SqsErrorCodes } from './errors.js';
import type { SqsOutgoingMessage } from './outgoing.js';

export interface BatchItem {
  readonly type: string | SchemaClass;
  readonly content: object;
  /** `key` is the FIFO `MessageGroupId` (default: the media type). */
  readonly options?: ProduceOptions;
  /** FIFO only: the `MessageDeduplicationId` (default: a fresh one per message). */
  readonly deduplicationId?: string;
}

interface BatchProducer {
  sendBatch(messages: readonly SqsOutgoingMessage[]): Promise<string[]>;
}

/**
 * Validates and encodes every message first (nothing is sent if one is invalid), then publishes
 * them with PublishBatch / SendMessageBatch (see `publishInBatches`). Resolves with the ids in
 * input order.
 */
export async function produceBatch(daemon: RunningDaemon, items: readonly BatchItem[]): Promise<string[]> {
  const producer = batchProducerOf(daemon);
  const encoded = await Promise.all(
    items.map(async (item): Promise<SqsOutgoingMessage> => {
      const message = await daemon.producer.encode(item.type, item.content, item.options);
      return { ...message, deduplicationId: item.deduplicationId };
    }),
  );
  return producer.sendBatch(encoded);
}

/** The daemon's SNS/SQS producer: its own, or the one it publishes `sqs:` destinations through. */
function batchProducerOf(daemon: RunningDaemon): BatchProducer {
  const own = daemon.container.get<unknown>(TOKENS.TransportProducer);
  if (isBatchProducer(own)) return own;
  const token = transportProducerToken('sqs');
  const qualified: unknown = daemon.container.isBound(token) ? daemon.container.get(token) : undefined;
  if (isBatchProducer(qualified)) return qualified;
  throw new SqsError(
    SqsErrorCodes.BATCH_UNSUPPORTED,
    `produceBatch publishes through SNS or SQS, but ${daemon.name} has no SNS/SQS producer ` +
      `(it publishes with ${describe(own)}): give it SQS settings (sqs.endpointUrl, sqs.region or sqs.producer)`,
  );
}

function isBatchProducer(value: unknown): value is BatchProducer {
  return typeof (value as Partial<BatchProducer> | undefined)?.sendBatch === 'function';
}

function describe(value: unknown): string {
  return typeof value === 'object' && value !== null ? value.constructor.name : String(value);
}
