import type { TransportMessage } from '@switchyard/core';

/** A fetched Kafka record as the runner sees it, plus where it came from and in which assignment. */
export interface KafkaDelivery extends TransportMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The partition's assignment epoch when fetched: results from an older epoch are fenced. */
  readonly epoch: number;
  /** The record key as sent (bytes), for the dead-letter copy; `key` has it as text. */
  readonly rawKey: Buffer | null;
  /** The record's key, value and headers in bytes, as `kafka.maxBufferedBytes` counts them. */
  readonly bytes: number;
}

export function partitionId(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/** Kafka offsets are int64 strings; ours stay far below 2^53, which this asserts. */
export function parseOffset(text: string): number {
  const offset = Number(text);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`unsupported Kafka offset ${text}`);
  return offset;
}
