import type { IHeaders, KafkaMessage } from 'kafkajs';
import { KAFKA_DEAD_LETTER_HEADERS } from '../deadLetterHeaders.js';

/** A record as the operator commands show it. */
export interface KafkaOpsMessage {
  /** `topic/partition/offset`, as the daemon names a record. */
  readonly id: string;
  readonly key?: string;
  /** Headers (first value of each) as text. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: Uint8Array | null;
  /** The record's timestamp (for a dead letter: when it was dead-lettered). */
  readonly timestamp?: number;
  readonly location: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly raw: KafkaMessage;
}

/** A record on a dead-letter topic, with what the transport wrote about why it is there. */
export interface KafkaDeadLetter extends KafkaOpsMessage {
  readonly reason?: string;
  /** `x-original-source` (else `x-original-topic`): the topic it came from. */
  readonly source?: string;
  readonly attempts?: number;
  /** `x-dead-letter-bounded-reason`: the copy is a bounded record (its body cut); it cannot be replayed. */
  readonly bounded?: string;
  /** `x-original-partition`. */
  readonly originalPartition?: number;
}

/** Headers the dead-letter copy added: dropped on replay (the attempt count restarts). */
export const KAFKA_DEAD_LETTER_ONLY: ReadonlySet<string> = new Set(Object.values(KAFKA_DEAD_LETTER_HEADERS));

export function toOpsMessage(topic: string, partition: number, raw: KafkaMessage): KafkaOpsMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) attributes[name] = first.toString();
  }
  const timestamp = Number(raw.timestamp);
  return {
    id: `${topic}/${partition}/${raw.offset}`,
    ...(raw.key === null ? {} : { key: raw.key.toString('utf8') }),
    attributes,
    body: raw.value,
    ...(Number.isFinite(timestamp) && timestamp > 0 ? { timestamp } : {}),
    location: `partition ${partition} offset ${raw.offset}`,
    topic,
    partition,
    offset: Number(raw.offset),
    raw,
  };
}

export function toDeadLetter(topic: string, partition: number, raw: KafkaMessage): KafkaDeadLetter {
  const message = toOpsMessage(topic, partition, raw);
  const headers = message.attributes;
  const attempts = Number(headers[KAFKA_DEAD_LETTER_HEADERS.attempts]);
  const originalPartition = Number(headers[KAFKA_DEAD_LETTER_HEADERS.partition]);
  const source = headers[KAFKA_DEAD_LETTER_HEADERS.source] ?? headers[KAFKA_DEAD_LETTER_HEADERS.topic];
  const reason = headers[KAFKA_DEAD_LETTER_HEADERS.error];
  const bounded =
    headers[KAFKA_DEAD_LETTER_HEADERS.bounded] === 'true'
      ? (headers[KAFKA_DEAD_LETTER_HEADERS.boundedReason] ?? 'bounded record')
      : undefined;
  return {
    ...message,
    ...(reason === undefined ? {} : { reason }),
    ...(source === undefined || source === '' ? {} : { source }),
    ...(Number.isFinite(attempts) ? { attempts } : {}),
    ...(bounded === undefined ? {} : { bounded }),
    ...(Number.isInteger(originalPartition) ? { originalPartition } : {}),
  };
}

/** The headers of a replayed record: its own (as received, bytes kept) without the dead-letter ones, plus `stamp`. */
export function replayHeaders(raw: KafkaMessage, stamp: Readonly<Record<string, string>>): IHeaders {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(raw.headers ?? {}))
    if (!KAFKA_DEAD_LETTER_ONLY.has(name) && !(name in stamp) && value !== undefined) headers[name] = value;
  return { ...headers, ...stamp };
}
