import { DEAD_LETTER_ATTRIBUTES, type DeadLetterDetails } from '@switchyard/core';
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
} as const;

export function deadLetterHeaders(delivery: KafkaDelivery, details: DeadLetterDetails): IHeaders {
  return {
    ...delivery.attributes,
    [KAFKA_DEAD_LETTER_HEADERS.topic]: delivery.topic,
    [KAFKA_DEAD_LETTER_HEADERS.partition]: String(delivery.partition),
    [KAFKA_DEAD_LETTER_HEADERS.offset]: String(delivery.offset),
    [KAFKA_DEAD_LETTER_HEADERS.error]: details.reason,
    [KAFKA_DEAD_LETTER_HEADERS.attempts]: String(details.attempts),
    [KAFKA_DEAD_LETTER_HEADERS.source]: delivery.source,
  };
}
