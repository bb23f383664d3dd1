import type { SNSEventRecord } from 'aws-lambda';
import { unwrapSnsEnvelope } from '@switchyard/sqs';
import type { Invocation } from '../Invocation.js';
import type { LambdaMessage } from '../LambdaMessage.js';

/**
 * An SNS record of a Lambda event → core's message. The record's `Sns` object is the notification
 * envelope SNS delivers to SQS, so it is decoded by the same function as an enveloped SQS body
 * (message attributes as text, Binary ones skipped, a broken envelope rejected with its reason).
 * SNS gives no delivery count: every record is attempt 1.
 */
export function fromSnsRecord(record: SNSEventRecord, invocation: Invocation): LambdaMessage {
  const { Sns: notification } = record;
  const base = {
    id: notification.MessageId,
    attempt: 1,
    source: topicName(notification.TopicArn),
    sentAt: Date.parse(notification.Timestamp) || undefined,
    invocation,
    itemIdentifier: notification.MessageId,
  };
  const unwrapped = unwrapSnsEnvelope(JSON.stringify(notification));
  switch (unwrapped.kind) {
    case 'sns':
      return { ...base, body: unwrapped.body, attributes: unwrapped.attributes };
    case 'corrupt':
      return {
        ...base,
        body: textOrEmpty(notification.Message),
        attributes: {},
        rejection: unwrapped.reason,
      };
    case 'plain':
      return {
        ...base,
        body: textOrEmpty(notification.Message),
        attributes: {},
        rejection: `not an SNS notification (Type ${JSON.stringify(notification.Type)}, TopicArn ${JSON.stringify(notification.TopicArn)})`,
      };
  }
}

function topicName(arn: unknown): string {
  return typeof arn === 'string' ? arn.slice(arn.lastIndexOf(':') + 1) || arn : 'sns';
}

function textOrEmpty(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
