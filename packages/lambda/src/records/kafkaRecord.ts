import type { MSKRecord, SelfManagedKafkaRecord } from 'aws-lambda';
import { toDelivery } from '@switchyard/kafka';
import type { Invocation } from '../Invocation.js';
import type { LambdaMessage } from '../LambdaMessage.js';

/** A fetched kafkajs record, as `toDelivery` takes it. */
type KafkajsRecord = Parameters<typeof toDelivery>[2];
type LambdaKafkaRecord = MSKRecord | SelfManagedKafkaRecord;

/**
 * A Kafka record of a Lambda event (MSK or self-managed: key and value base64, each header a
 * one-entry object of byte values) → core's message, through the Kafka transport's own
 * `toDelivery` (headers as attributes, id `topic/partition/offset`, the partition as the ordering
 * key, so a failed record's successors in the batch fail with it, as Lambda resumes the partition
 * from the first failed offset). Lambda gives no retry count: every record is attempt 1.
 */
export function fromKafkaRecord(record: LambdaKafkaRecord, invocation: Invocation): LambdaMessage {
  const delivery = toDelivery(record.topic, record.partition, toKafkajsRecord(record), 0, 'in-order');
  return {
    ...delivery,
    invocation,
    itemIdentifier: { partition: `${record.topic}-${record.partition}`, offset: record.offset },
  };
}

function toKafkajsRecord(record: LambdaKafkaRecord): KafkajsRecord {
  return {
    key: fromBase64(record.key),
    value: fromBase64(record.value),
    timestamp: String(record.timestamp),
    offset: String(record.offset),
    attributes: 0,
    headers: headersOf(record.headers),
  };
}

// A null key or value (a tombstone) arrives as an absent or null field.
function fromBase64(text: string | null | undefined): Buffer | null {
  return typeof text === 'string' ? Buffer.from(text, 'base64') : null;
}

function headersOf(headers: LambdaKafkaRecord['headers'] | undefined): Record<string, Buffer[]> {
  const converted: Record<string, Buffer[]> = {};
  for (const header of headers ?? [])
    for (const [name, bytes] of Object.entries(header)) (converted[name] ??= []).push(Buffer.from(bytes));
  return converted;
}
