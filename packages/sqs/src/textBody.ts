import { ErrorCodes, SwitchyardError, type OutgoingMessage } from '@switchyard/core';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * SNS and SQS bodies are text: bytes (from a raw-bytes handler) are sent as their UTF-8 text. Bytes
 * that are not UTF-8 cannot travel and never will, so the message is invalid rather than retried.
 */
export function textBody(message: OutgoingMessage): string {
  if (typeof message.body === 'string') return message.body;
  try {
    return UTF8.decode(message.body);
  } catch {
    throw new SwitchyardError(
      ErrorCodes.MESSAGE_INVALID,
      `${message.mediaType} body is ${message.body.byteLength} bytes that are not UTF-8 text; SNS and SQS carry text only (publish text, or base64-encode the bytes)`,
    );
  }
}
