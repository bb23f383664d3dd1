import { createHash } from 'node:crypto';
import { SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import {
  boundedText,
  DEAD_LETTER_ATTRIBUTES,
  type DeadLetterDetails,
  type DeadLetterResult,
} from '@switchyard/core';
import { deadLetterQueueMissing, isMissingQueue, type DeadLetterQueue } from './queueInfo.js';
import type { SqsMessage } from './toTransportMessage.js';

// SQS allows 10 message attributes; the dead-letter ones come first, then the original's.
const MAX_ATTRIBUTES = 10;
/** Attribute values count against the message size limit; a reason never needs more (UTF-8 bytes). */
export const MAX_REASON_BYTES = 1024;

/** What an SQS dead-letter copy carries beyond core's `DEAD_LETTER_ATTRIBUTES`, when it is bounded. */
export const SQS_DEAD_LETTER_ATTRIBUTES = {
  /** Present on a bounded record (the whole copy did not fit): why, with both sizes. */
  bounded: 'x-dead-letter-bounded',
  /** The original SQS MessageId. */
  messageId: 'x-original-message-id',
  /** The original body's size in UTF-8 bytes (a Number attribute). */
  size: 'x-original-size',
  /** SHA-256 of the original body (hex), to match the record with the sender's copy. */
  sha256: 'x-original-sha256',
} as const;

type Attributes = Record<string, MessageAttributeValue>;

/**
 * Copies a message to a dead-letter queue: the body exactly as received (an SNS envelope stays
 * whole), the original attributes (Binary and Number ones with their type), and why, from where and
 * after how many attempts. A copy that cannot fit the queue's size limit (body plus attributes) is
 * written as a bounded record instead: reason, source, message id, size and SHA-256 of the body,
 * the body cut to what fits, and `x-dead-letter-bounded` saying so.
 */
export class DeadLetterSender {
  readonly queueUrl: string;
  readonly #maxBytes: number;

  constructor(
    private readonly client: SQSClient,
    queue: DeadLetterQueue,
    private readonly sourceQueueUrl: string,
    /** Whether the URL is `sqs.deadLetterQueueUrl` (a missing queue then names that key). */
    private readonly configured: boolean,
  ) {
    this.queueUrl = queue.url;
    this.#maxBytes = queue.maxMessageBytes;
  }

  /** Resolves once SQS confirmed the copy: nothing for the whole copy, `bounded` for a bounded record. */
  async send(message: SqsMessage, details: DeadLetterDetails): Promise<DeadLetterResult | void> {
    const attributes = this.#deadLetterAttributes(details);
    for (const [name, value] of Object.entries(message.rawMessageAttributes)) {
      if (Object.keys(attributes).length >= MAX_ATTRIBUTES) break;
      if (usable(value)) attributes[name] ??= value;
    }
    const bytes = messageBytes(message.rawBody, attributes);
    let refusal: string;
    if (bytes <= this.#maxBytes) {
      try {
        await this.#send(message, message.rawBody, attributes);
        return;
      } catch (error) {
        if (!isTooLarge(error)) throw this.#named(error);
        refusal = `the dead-letter queue refused the ${bytes}-byte copy as too large (${describe(error)})`;
      }
    } else {
      refusal = `the copy is ${bytes} bytes with its attributes, over the dead-letter queue's limit of ${this.#maxBytes}`;
    }
    const why = `${refusal}; wrote a bounded record (the body cut, its size and SHA-256 kept, original attributes dropped)`;
    await this.#sendBounded(message, details, why);
    return { kind: 'bounded', why };
  }

  async #sendBounded(message: SqsMessage, details: DeadLetterDetails, why: string): Promise<void> {
    const body = message.rawBody;
    const attributes: Attributes = {
      ...this.#deadLetterAttributes(details),
      [SQS_DEAD_LETTER_ATTRIBUTES.bounded]: text(boundedText(why, MAX_REASON_BYTES)),
      [SQS_DEAD_LETTER_ATTRIBUTES.messageId]: text(message.id),
      [SQS_DEAD_LETTER_ATTRIBUTES.size]: { DataType: 'Number', StringValue: String(Buffer.byteLength(body)) },
      [SQS_DEAD_LETTER_ATTRIBUTES.sha256]: text(createHash('sha256').update(body).digest('hex')),
    };
    const room = Math.max(0, this.#maxBytes - messageBytes('', attributes));
    // SQS refuses an empty body.
    const cut = boundedText(body, room) || '-';
    try {
      await this.#send(message, cut, attributes);
    } catch (error) {
      throw this.#named(error);
    }
  }

  #deadLetterAttributes(details: DeadLetterDetails): Attributes {
    return {
      [DEAD_LETTER_ATTRIBUTES.reason]: text(boundedText(details.reason, MAX_REASON_BYTES)),
      [DEAD_LETTER_ATTRIBUTES.source]: text(this.sourceQueueUrl),
      [DEAD_LETTER_ATTRIBUTES.attempts]: { DataType: 'Number', StringValue: String(details.attempts) },
    };
  }

  async #send(message: SqsMessage, body: string, attributes: Attributes): Promise<void> {
    const fifo = this.queueUrl.endsWith('.fifo');
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        MessageAttributes: attributes,
        // A FIFO dead-letter queue needs a group; the message id makes a resend after a crash a no-op.
        MessageGroupId: fifo ? (message.orderingKey ?? 'dead-letter') : undefined,
        MessageDeduplicationId: fifo ? message.id : undefined,
      }),
    );
  }

  /** "The specified queue does not exist" names no queue: say which, and the fix. */
  #named(error: unknown): unknown {
    if (!isMissingQueue(error)) return error;
    if (this.configured) return deadLetterQueueMissing(this.queueUrl, error);
    return new Error(
      `dead-letter queue ${this.queueUrl} (the redrive target of ${this.sourceQueueUrl}) does not exist ` +
        'any more; create it again, or fix the redrive policy, or set sqs.deadLetterQueueUrl',
      { cause: error },
    );
  }
}

/** Body plus attributes (names, types, values): what SQS counts against its size limit. */
function messageBytes(body: string, attributes: Attributes): number {
  let bytes = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes))
    bytes +=
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      (value.BinaryValue?.byteLength ?? Buffer.byteLength(value.StringValue ?? ''));
  return bytes;
}

/** An attribute SQS accepts back: a type and a non-empty value (list values are not supported by SQS). */
function usable(value: MessageAttributeValue): boolean {
  if (value.DataType === undefined || value.DataType === '') return false;
  if (value.BinaryValue !== undefined) return value.BinaryValue.byteLength > 0;
  return value.StringValue !== undefined && value.StringValue !== '';
}

function isTooLarge(error: unknown): boolean {
  const failure = error as { name?: string; message?: string } | undefined;
  return /too ?long|shorter than|too large|MessageTooLong|message size/i.test(
    `${failure?.name ?? ''} ${failure?.message ?? ''}`,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}
