import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { isRejected, toTransportMessage } from '@switchyard/sqs';
import type { Invocation } from '../Invocation.js';
import type { LambdaMessage } from '../LambdaMessage.js';

/** The SDK's `Message`, as `toTransportMessage` takes it. */
type SdkMessage = Parameters<typeof toTransportMessage>[0];

/**
 * An SQS record of a Lambda event → core's message, decoded exactly as the SQS transport decodes a
 * received message (SNS envelope unwrapped, MD5 checked, receive count as the attempt, FIFO group as
 * the ordering key): the record is only the camel-cased form of the SDK's `Message`.
 */
export function fromSqsRecord(record: SQSRecord, invocation: Invocation): LambdaMessage {
  const converted = toTransportMessage(toSdkMessage(record), queueName(record.eventSourceARN), true);
  const message = isRejected(converted) ? { ...converted.message, rejection: converted.reason } : converted;
  return { ...message, invocation, itemIdentifier: record.messageId };
}

function toSdkMessage(record: SQSRecord): SdkMessage {
  return {
    MessageId: record.messageId,
    ReceiptHandle: record.receiptHandle,
    Body: record.body,
    MD5OfBody: record.md5OfBody,
    Attributes: { ...record.attributes },
    MessageAttributes: sdkAttributes(record.messageAttributes),
  };
}

function sdkAttributes(attributes: SQSMessageAttributes | undefined): SdkMessage['MessageAttributes'] {
  const converted: NonNullable<SdkMessage['MessageAttributes']> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    converted[name] = {
      DataType: value.dataType,
      ...(value.stringValue === undefined ? {} : { StringValue: value.stringValue }),
      ...(value.binaryValue === undefined ? {} : { BinaryValue: Buffer.from(value.binaryValue, 'base64') }),
    };
  }
  return converted;
}

/** `arn:aws:sqs:us-east-1:123456789012:orders` → `orders`, the name the daemon logs as the source. */
function queueName(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1) || arn;
}
