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

/** Throws a clear error before the server does, naming the media type and the sizes. */
export function checkSize(message: OutgoingMessage): void {
  let bytes = Buffer.byteLength(message.body, 'utf8');
  for (const [name, value] of Object.entries(attributesOf(message)))
    bytes +=
      Buffer.byteLength(name) + Buffer.byteLength(value.DataType) + Buffer.byteLength(value.StringValue);
  if (bytes > MAX_MESSAGE_BYTES)
    throw new SqsError(
      SqsErrorCodes.MESSAGE_TOO_LARGE,
      `${message.mediaType} message is ${bytes} bytes with its attributes; SNS and SQS accept at most ${MAX_MESSAGE_BYTES} (256 KiB)`,
    );
}

/** FIFO destinations need a group (the message key, else its media type) and a deduplication id. */
export function fifoFields(
  destination: string,
  message: OutgoingMessage,
): { MessageGroupId?: string; MessageDeduplicationId?: string } {
  if (!destination.endsWith('.fifo')) return {};
  return { MessageGroupId: message.key ?? message.mediaType, MessageDeduplicationId: randomUUID() };
}

/** Wraps an SDK failure in a typed error that names what was being published where. */
export function publishFailed(message: OutgoingMessage, destination: string, error: unknown): SqsError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new SqsError(
    SqsErrorCodes.PUBLISH_FAILED,
    `could not publish ${message.mediaType} to ${destination}: ${reason}`,
    { cause: error },
  );
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
