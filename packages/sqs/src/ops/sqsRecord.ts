import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_ATTRIBUTES } from '@switchyard/core';
import { SQS_DEAD_LETTER_ATTRIBUTES } from '../DeadLetterSender.js';
import { unwrapSnsEnvelope } from '../snsEnvelope.js';

/** A received message as the operator commands show it (an SNS envelope unwrapped for display). */
export interface SqsOpsMessage {
  /** The SQS MessageId on the queue read. */
  readonly id: string;
  /** MessageGroupId (FIFO). */
  readonly key?: string;
  /** String and Number attributes as text, an SNS envelope's attributes over the SQS ones. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The body, an SNS envelope's `Message` when it is one (`raw.Body` keeps the envelope). */
  readonly body: string;
  /** SentTimestamp: when the message reached this queue (for a dead letter: when it was dead-lettered). */
  readonly timestamp?: number;
  /** ApproximateReceiveCount, this receive included. */
  readonly receiveCount: number;
  /** Where it was read: the receive count (SQS has no offsets). */
  readonly location: string;
  /** The topic, when the body is an SNS envelope. */
  readonly snsTopicArn?: string;
  readonly raw: Message;
}

/** A message on a dead-letter queue, with what the transport wrote about why it is there. */
export interface SqsDeadLetter extends SqsOpsMessage {
  /** `x-dead-letter-reason`; absent when SQS's own redrive moved it (see `movedBySqs`). */
  readonly reason?: string;
  /** `x-original-source`: the queue URL it came from. */
  readonly source?: string;
  /** `x-attempts`: attempts before it was dead-lettered. */
  readonly attempts?: number;
  /** `x-dead-letter-bounded`: why the copy is a bounded record (its body cut); it cannot be replayed. */
  readonly bounded?: string;
  /** DeadLetterQueueSourceArn: set when SQS's redrive policy (maxReceiveCount) moved it, not switchyard. */
  readonly movedBySqs?: string;
}

/** Attributes the dead-letter copy added: dropped on replay (the attempt count restarts). */
export const SQS_DEAD_LETTER_ONLY: ReadonlySet<string> = new Set([
  DEAD_LETTER_ATTRIBUTES.reason,
  DEAD_LETTER_ATTRIBUTES.source,
  DEAD_LETTER_ATTRIBUTES.attempts,
  ...Object.values(SQS_DEAD_LETTER_ATTRIBUTES),
]);

export function toOpsMessage(raw: Message): SqsOpsMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.MessageAttributes ?? {}))
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  const rawBody = raw.Body ?? '';
  const unwrapped = unwrapSnsEnvelope(rawBody);
  const sns = unwrapped.kind === 'sns' ? unwrapped : undefined;
  const receiveCount = Number(raw.Attributes?.ApproximateReceiveCount ?? 1);
  const sent = Number(raw.Attributes?.SentTimestamp);
  return {
    id: raw.MessageId ?? '',
    ...(raw.Attributes?.MessageGroupId === undefined ? {} : { key: raw.Attributes.MessageGroupId }),
    attributes: sns === undefined ? attributes : { ...attributes, ...sns.attributes },
    body: sns?.body ?? rawBody,
    ...(Number.isFinite(sent) && sent > 0 ? { timestamp: sent } : {}),
    receiveCount,
    location: `receive count ${receiveCount}`,
    ...(sns === undefined ? {} : { snsTopicArn: sns.topicArn }),
    raw,
  };
}

export function toDeadLetter(raw: Message): SqsDeadLetter {
  const message = toOpsMessage(raw);
  const own = raw.MessageAttributes ?? {};
  const textOf = (name: string): string | undefined => own[name]?.StringValue;
  const attempts = Number(textOf(DEAD_LETTER_ATTRIBUTES.attempts));
  const reason = textOf(DEAD_LETTER_ATTRIBUTES.reason);
  const source = textOf(DEAD_LETTER_ATTRIBUTES.source);
  const bounded = textOf(SQS_DEAD_LETTER_ATTRIBUTES.bounded);
  const movedBySqs = raw.Attributes?.DeadLetterQueueSourceArn;
  return {
    ...message,
    ...(reason === undefined ? {} : { reason }),
    ...(source === undefined ? {} : { source }),
    ...(Number.isFinite(attempts) ? { attempts } : {}),
    ...(bounded === undefined ? {} : { bounded }),
    ...(movedBySqs === undefined ? {} : { movedBySqs }),
  };
}

/**
 * The attributes a replayed message carries: the dead letter's own (Binary and Number ones with
 * their types) without the dead-letter ones, plus `stamp` (when and by whom).
 */
export function replayAttributes(
  raw: Message,
  stamp: Readonly<Record<string, string>>,
): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(raw.MessageAttributes ?? {}))
    if (!SQS_DEAD_LETTER_ONLY.has(name) && !(name in stamp)) attributes[name] = withoutLists(value);
  for (const [name, value] of Object.entries(stamp))
    attributes[name] = { DataType: 'String', StringValue: value };
  return attributes;
}

/** The SDK hands list fields back empty; SQS refuses them on a send. */
function withoutLists(value: MessageAttributeValue): MessageAttributeValue {
  return {
    DataType: value.DataType,
    ...(value.StringValue === undefined ? {} : { StringValue: value.StringValue }),
    ...(value.BinaryValue === undefined ? {} : { BinaryValue: value.BinaryValue }),
  };
}
