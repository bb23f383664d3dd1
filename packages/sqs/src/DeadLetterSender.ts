import { SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_ATTRIBUTES, type DeadLetterDetails } from '@switchyard/core';
import type { SqsMessage } from './toTransportMessage.js';

// SQS allows 10 message attributes; the dead-letter ones come first, then the original's.
const MAX_ATTRIBUTES = 10;
// Attribute values are part of the 256 KiB message limit; a reason never needs more than this.
const MAX_REASON_CHARS = 1024;

/**
 * Copies a message to a dead-letter queue: the body exactly as received (an SNS envelope stays
 * whole), the original attributes, and why, from where and after how many attempts.
 */
export class DeadLetterSender {
  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
    private readonly sourceQueueUrl: string,
  ) {}

  async send(message: SqsMessage, details: DeadLetterDetails): Promise<void> {
    const attributes: Record<string, MessageAttributeValue> = {
      [DEAD_LETTER_ATTRIBUTES.reason]: text(details.reason.slice(0, MAX_REASON_CHARS)),
      [DEAD_LETTER_ATTRIBUTES.source]: text(this.sourceQueueUrl),
      [DEAD_LETTER_ATTRIBUTES.attempts]: { DataType: 'Number', StringValue: String(details.attempts) },
    };
    for (const [name, value] of Object.entries(message.rawAttributes)) {
      if (Object.keys(attributes).length >= MAX_ATTRIBUTES) break;
      if (value !== '') attributes[name] ??= text(value);
    }
    const fifo = this.queueUrl.endsWith('.fifo');
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: message.rawBody,
        MessageAttributes: attributes,
        // A FIFO dead-letter queue needs a group; the message id makes a resend after a crash a no-op.
        MessageGroupId: fifo ? (message.orderingKey ?? 'dead-letter') : undefined,
        MessageDeduplicationId: fifo ? message.id : undefined,
      }),
    );
  }
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}
