import { createHash } from 'node:crypto';
import { boundedText, DEAD_LETTER_ATTRIBUTES, type DeadLetterDetails } from '@switchyard/core';
import type { IHeaders } from 'kafkajs';
import type { KafkaDelivery } from './KafkaDelivery.js';

/** Headers a dead-lettered Kafka record carries, besides its original headers. */
export const KAFKA_DEAD_LETTER_HEADERS = {
  topic: 'x-original-topic',
  partition: 'x-original-partition',
  offset: 'x-original-offset',
  error: DEAD_LETTER_ATTRIBUTES.reason,
  attempts: DEAD_LETTER_ATTRIBUTES.attempts,
  source: DEAD_LETTER_ATTRIBUTES.source,
  /** `true` on a bounded dead letter: the copy could never fit, so the body is cut (see below). */
  bounded: 'x-dead-letter-bounded',
  /** On a bounded dead letter: why the whole copy could not be written. */
  boundedReason: 'x-dead-letter-bounded-reason',
  /** On a bounded dead letter: the original body's size in bytes. */
  originalSize: 'x-original-size',
  /** On a bounded dead letter: the original body's SHA-256, hex. */
  bodySha256: 'x-original-sha256',
  /** On a bounded dead letter: how many original headers were left out (over their budget). */
  headersDropped: 'x-original-headers-dropped',
} as const;

/** Longest reason a dead-letter header carries, in UTF-8 bytes; longer ones are cut. */
export const REASON_MAX_BYTES = 4096;
/** A bounded dead letter keeps each original header cut to this, and all of them within the budget. */
const BOUNDED_HEADER_MAX_BYTES = 256;
const BOUNDED_HEADERS_BUDGET_BYTES = 16_384;

export function deadLetterHeaders(delivery: KafkaDelivery, details: DeadLetterDetails): IHeaders {
  return {
    ...delivery.attributes,
    ...ownHeaders(delivery, details),
  };
}

/**
 * The headers of a bounded dead letter: the dead-letter headers, the body's size and hash, why it
 * is bounded, and the original headers each cut short, as many as fit a small budget.
 */
export function boundedDeadLetterHeaders(
  delivery: KafkaDelivery,
  details: DeadLetterDetails,
  body: Buffer | null,
  why: string,
): IHeaders {
  const original: IHeaders = {};
  let budget = BOUNDED_HEADERS_BUDGET_BYTES;
  let dropped = 0;
  for (const [name, value] of Object.entries(delivery.attributes)) {
    const boundedName = boundedText(name, BOUNDED_HEADER_MAX_BYTES);
    const boundedValue = boundedText(value, BOUNDED_HEADER_MAX_BYTES);
    const size = Buffer.byteLength(boundedName) + Buffer.byteLength(boundedValue);
    if (size > budget) dropped += 1;
    else {
      original[boundedName] = boundedValue;
      budget -= size;
    }
  }
  return {
    ...original,
    ...ownHeaders(delivery, details),
    [KAFKA_DEAD_LETTER_HEADERS.bounded]: 'true',
    [KAFKA_DEAD_LETTER_HEADERS.boundedReason]: boundedText(why, REASON_MAX_BYTES),
    [KAFKA_DEAD_LETTER_HEADERS.originalSize]: String(body?.length ?? 0),
    ...(body === null
      ? {}
      : { [KAFKA_DEAD_LETTER_HEADERS.bodySha256]: createHash('sha256').update(body).digest('hex') }),
    ...(dropped === 0 ? {} : { [KAFKA_DEAD_LETTER_HEADERS.headersDropped]: String(dropped) }),
  };
}

function ownHeaders(delivery: KafkaDelivery, details: DeadLetterDetails): IHeaders {
  return {
    [KAFKA_DEAD_LETTER_HEADERS.topic]: delivery.topic,
    [KAFKA_DEAD_LETTER_HEADERS.partition]: String(delivery.partition),
    [KAFKA_DEAD_LETTER_HEADERS.offset]: String(delivery.offset),
    [KAFKA_DEAD_LETTER_HEADERS.error]: boundedText(details.reason, REASON_MAX_BYTES),
    [KAFKA_DEAD_LETTER_HEADERS.attempts]: String(details.attempts),
    [KAFKA_DEAD_LETTER_HEADERS.source]: delivery.source,
  };
}

/**
 * The size of a one-record batch (record format v2, uncompressed), as the broker compares it with
 * the topic's `max.message.bytes`: 61 bytes of batch header plus the record.
 */
export function recordBatchSize(key: Buffer | null, value: Buffer | null, headers: IHeaders): number {
  let pairs = 0;
  let headerBytes = 0;
  for (const [name, raw] of Object.entries(headers)) {
    const nameBytes = Buffer.byteLength(name);
    for (const one of Array.isArray(raw) ? raw : [raw]) {
      const valueBytes = one === undefined ? -1 : Buffer.byteLength(one);
      headerBytes += varintSize(nameBytes) + nameBytes + varintSize(valueBytes) + Math.max(0, valueBytes);
      pairs += 1;
    }
  }
  headerBytes += varintSize(pairs);
  const keyBytes = key === null ? -1 : key.length;
  const valueBytes = value === null ? -1 : value.length;
  const record =
    1 + // attributes
    varintSize(0) + // timestamp delta
    varintSize(0) + // offset delta
    varintSize(keyBytes) +
    Math.max(0, keyBytes) +
    varintSize(valueBytes) +
    Math.max(0, valueBytes) +
    headerBytes;
  return 61 + varintSize(record) + record;
}

/** Bytes of a zig-zag varint. */
function varintSize(value: number): number {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (zigzag >= 128) {
    zigzag = Math.floor(zigzag / 128);
    size += 1;
  }
  return size;
}
