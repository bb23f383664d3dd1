import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from '@switchyard/core';
import { SqsError, SqsErrorCodes } from './errors.js';

/** SNS and SQS both refuse a message whose body and attributes exceed 256 KiB. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export interface StringAttribute {
  DataType: 'String';
  StringValue: string;
}

/** The message's attributes for SNS/SQS; `media_type` is always among them. */
export function attributesOf(message: OutgoingMessage): Record<string, StringAttribute> {
  const attributes: Record<string, StringAttribute> = {};
  for (const [name, value] of Object.entries({ ...message.attributes, media_type: message.mediaType }))
    if (value !== '') attributes[name] = { DataType: 'String', StringValue: value };
  return attributes;
}

/** Body plus attributes (names, types, values): what SNS and SQS count against 256 KiB. */
export function messageBytes(message: OutgoingMessage): number {
  let bytes = Buffer.byteLength(message.body, 'utf8');
  for (const [name, value] of Object.entries(attributesOf(message)))
    bytes +=
      Buffer.byteLength(name) + Buffer.byteLength(value.DataType) + Buffer.byteLength(value.StringValue);
  return bytes;
}

/** Throws a clear error before the server does, naming the media type and the sizes. */
export function checkSize(message: OutgoingMessage): void {
  const bytes = messageBytes(message);
  if (bytes > MAX_MESSAGE_BYTES)
    throw new SqsError(
      SqsErrorCodes.MESSAGE_TOO_LARGE,
      `${message.mediaType} message is ${bytes} bytes with its attributes; SNS and SQS accept at most ${MAX_MESSAGE_BYTES} (256 KiB)`,
    );
}

/** An outgoing message that may carry the sender's own FIFO deduplication id (see `produceBatch`). */
export interface SqsOutgoingMessage extends OutgoingMessage {
  readonly deduplicationId?: string;
}

/**
 * FIFO destinations need a group (the message key, else its media type) and a deduplication id:
 * the sender's, else a fresh one, so a message is never dropped as a duplicate of another (even
 * on a queue or topic without content-based deduplication).
 */
export function fifoFields(
  destination: string,
  message: SqsOutgoingMessage,
): { MessageGroupId?: string; MessageDeduplicationId?: string } {
  if (!destination.endsWith('.fifo')) return {};
  return {
    MessageGroupId: message.key ?? message.mediaType,
    MessageDeduplicationId: message.deduplicationId ?? randomUUID(),
  };
}

/**
 * Wraps an SDK failure in a typed error that names what was being published where (and, for a
 * batch, how far it got).
 */
export function publishFailed(
  message: OutgoingMessage,
  destination: string,
  error: unknown,
  progress?: string,
): SqsError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const suffix = progress === undefined ? '' : ` (${progress})`;
  return new SqsError(
    SqsErrorCodes.PUBLISH_FAILED,
    `could not publish ${message.mediaType} to ${destination}: ${reason}${suffix}`,
    { cause: error },
  );
}
