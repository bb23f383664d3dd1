import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { TransportMessage } from '@switchyard/core';
import { bodyMatchesMd5 } from './md5.js';
import { unwrapSnsEnvelope } from './snsEnvelope.js';

/** A received SQS message as core sees it, plus what the transport needs to ack it. */
export interface SqsMessage extends TransportMessage {
  readonly receiptHandle: string;
  /** The body exactly as SQS delivered it (the SNS envelope included), for the dead-letter copy. */
  readonly rawBody: string;
  /** SQS message attributes with a string value (String and Number types), as text. */
  readonly rawAttributes: Readonly<Record<string, string>>;
  /**
   * SQS message attributes exactly as received, Binary ones included (`attributes` holds text
   * only), for the dead-letter copy.
   */
  readonly rawMessageAttributes: Readonly<Record<string, MessageAttributeValue>>;
}

/** A message the transport dead-letters itself, before core sees it. */
export interface RejectedMessage {
  readonly message: SqsMessage;
  readonly reason: string;
}

/**
 * SQS `Message` → core's `TransportMessage`: SNS envelopes unwrapped (their attributes win over the
 * SQS ones), ApproximateReceiveCount as the attempt, MessageGroupId as the ordering key. A body
 * whose MD5 does not match, or a broken SNS envelope, comes back as a rejection with its reason.
 */
export function toTransportMessage(
  raw: Message,
  source: string,
  verifyMd5: boolean,
): SqsMessage | RejectedMessage {
  const rawBody = raw.Body ?? '';
  const rawAttributes = stringAttributes(raw);
  const base = {
    id: raw.MessageId ?? raw.ReceiptHandle ?? '',
    receiptHandle: raw.ReceiptHandle ?? '',
    rawBody,
    rawAttributes,
    rawMessageAttributes: raw.MessageAttributes ?? {},
    attempt: Math.max(1, Number(raw.Attributes?.ApproximateReceiveCount ?? '1') || 1),
    source,
    orderingKey: raw.Attributes?.MessageGroupId,
    key: raw.Attributes?.MessageGroupId,
    sentAt: sentAtOf(raw),
  };
  const plain: SqsMessage = { ...base, body: rawBody, attributes: rawAttributes };
  if (verifyMd5 && !bodyMatchesMd5(rawBody, raw.MD5OfBody))
    return { message: plain, reason: `body does not match its MD5 (${raw.MD5OfBody ?? ''})` };
  const unwrapped = unwrapSnsEnvelope(rawBody);
  switch (unwrapped.kind) {
    case 'plain':
      return plain;
    case 'corrupt':
      return { message: plain, reason: unwrapped.reason };
    case 'sns':
      return {
        ...base,
        body: unwrapped.body,
        attributes: { ...rawAttributes, ...unwrapped.attributes },
      };
  }
}

export function isRejected(value: SqsMessage | RejectedMessage): value is RejectedMessage {
  return 'reason' in value;
}

function stringAttributes(raw: Message): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.MessageAttributes ?? {}))
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  return attributes;
}

function sentAtOf(raw: Message): number | undefined {
  const sent = Number(raw.Attributes?.SentTimestamp);
  return Number.isFinite(sent) && sent > 0 ? sent : undefined;
}
