import type { MSKEvent, SelfManagedKafkaEvent, SNSEvent, SQSEvent } from 'aws-lambda';

/**
 * Each handler takes one event source's events. A function wired to another trigger (or invoked by
 * hand with a made-up event) gets one line naming what arrived and which handler fits it, before
 * any record is touched, instead of a TypeError deep in the decoding.
 */

const HANDLER_FOR: Readonly<Record<string, string>> = {
  'aws:sqs': 'toLambdaHandler',
  'aws:sns': 'toSnsHandler',
  'aws:kafka': 'toKafkaHandler',
  SelfManagedKafka: 'toKafkaHandler',
};

export function requireSqsEvent(event: unknown): SQSEvent {
  return requireRecords<SQSEvent>(event, 'toLambdaHandler', 'SQS', (record) => record.eventSource, 'aws:sqs');
}

export function requireSnsEvent(event: unknown): SNSEvent {
  return requireRecords<SNSEvent>(event, 'toSnsHandler', 'SNS', (record) => record.EventSource, 'aws:sns');
}

export function requireKafkaEvent(event: unknown): MSKEvent | SelfManagedKafkaEvent {
  const source = isRecord(event) ? event.eventSource : undefined;
  if (isRecord(event) && isRecord(event.records) && (source === 'aws:kafka' || source === 'SelfManagedKafka'))
    return event as unknown as MSKEvent | SelfManagedKafkaEvent;
  throw new Error(wrongEvent('toKafkaHandler', 'an MSK or self-managed Kafka', source));
}

function requireRecords<T>(
  event: unknown,
  handler: string,
  kind: string,
  sourceOf: (record: Record<string, unknown>) => unknown,
  expected: string,
): T {
  const records = isRecord(event) ? event.Records : undefined;
  if (!Array.isArray(records)) {
    const source = isRecord(event) ? event.eventSource : undefined;
    throw new Error(wrongEvent(handler, `an ${kind}`, source));
  }
  for (const [index, record] of records.entries()) {
    if (isRecord(record) && sourceOf(record) === expected) continue;
    // SQS spells it eventSource, SNS EventSource: name whichever the record has.
    const source = isRecord(record) ? (record.eventSource ?? record.EventSource) : undefined;
    throw new Error(wrongEvent(handler, `an ${kind}`, source, index));
  }
  return event as T;
}

function wrongEvent(handler: string, kind: string, source: unknown, index?: number): string {
  const where = index === undefined ? 'the event' : `record ${index}`;
  const fits = typeof source === 'string' ? HANDLER_FOR[source] : undefined;
  const hint = fits === undefined ? '' : `; use ${fits} for it`;
  return `${handler} takes ${kind} event, but ${where} has event source ${JSON.stringify(source ?? null)}${hint}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
