import type { KafkaMessage } from 'kafkajs';
import type { KafkaMode } from './KafkaConfig.js';
import { parseOffset, partitionId, type KafkaDelivery } from './KafkaDelivery.js';

/** A fetched record as a `TransportMessage`: headers as attributes, the mode's ordering key. */
export function toDelivery(
  topic: string,
  partition: number,
  record: KafkaMessage,
  epoch: number,
  mode: KafkaMode,
): KafkaDelivery {
  const offset = parseOffset(record.offset);
  const key = record.key === null ? null : record.key.toString('utf8');
  const { attributes, bytes: headerBytes } = headersToAttributes(record.headers);
  return {
    id: `${topic}/${partition}/${offset}`,
    body: record.value,
    attributes,
    attempt: 1,
    source: topic,
    sentAt: Number(record.timestamp),
    orderingKey: orderingKeyFor(mode, topic, partition, key),
    topic,
    partition,
    offset,
    epoch,
    ...(key === null ? {} : { key }),
    rawKey: record.key,
    bytes: (record.key?.length ?? 0) + (record.value?.length ?? 0) + headerBytes,
  };
}

/**
 * in-order: one partition, one lane. keyed: one lane per key (records without a key share the
 * partition's null-key lane, so they stay in order). unordered: no lane at all.
 */
export function orderingKeyFor(
  mode: KafkaMode,
  topic: string,
  partition: number,
  key: string | null,
): string | undefined {
  if (mode === 'unordered') return undefined;
  if (mode === 'in-order') return partitionId(topic, partition);
  return `${partitionId(topic, partition)}/${key === null ? '\u0000null' : `k:${key}`}`;
}

/** The headers as attributes (the first value of each), and their names and values in bytes. */
function headersToAttributes(headers: KafkaMessage['headers']): {
  attributes: Record<string, string>;
  bytes: number;
} {
  const attributes: Record<string, string> = {};
  let bytes = 0;
  if (headers === undefined) return { attributes, bytes };
  // for…in, not Object.entries: no array per record (kafkajs builds headers as a plain object).
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    bytes += name.length;
    if (first === undefined) continue;
    attributes[name] = first.toString();
    bytes += first.length;
  }
  return { attributes, bytes };
}
