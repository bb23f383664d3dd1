import type { Context, MSKEvent, MSKRecord, SNSEventRecord, SNSEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { md5Hex } from '@switchyard/sqs';

/**
 * Lambda events shaped as AWS documents them (the examples of "Using Lambda with Amazon SQS",
 * "… with Amazon SNS" and "… with Amazon MSK"), with the fields a test varies as parameters.
 */

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:order-events';

export interface SqsRecordFields {
  readonly messageId: string;
  readonly body: string;
  /** String attributes, e.g. `{ media_type: ORDER }`. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly receiveCount?: number;
  /** A FIFO queue's MessageGroupId. */
  readonly groupId?: string;
  /** Overrides the body's true MD5 (a corrupted record). */
  readonly md5OfBody?: string;
}

export function sqsRecord(fields: SqsRecordFields): SQSRecord {
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(fields.attributes ?? {}))
    messageAttributes[name] = {
      stringValue: value,
      stringListValues: [],
      binaryListValues: [],
      dataType: 'String',
    };
  return {
    messageId: fields.messageId,
    receiptHandle: `AQEB${fields.messageId}Receipt`,
    body: fields.body,
    attributes: {
      ApproximateReceiveCount: String(fields.receiveCount ?? 1),
      SentTimestamp: '1545082649183',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1545082649185',
      ...(fields.groupId === undefined
        ? {}
        : {
            MessageGroupId: fields.groupId,
            SequenceNumber: '18849496460467696128',
            MessageDeduplicationId: fields.messageId,
          }),
    },
    messageAttributes,
    md5OfBody: fields.md5OfBody ?? md5Hex(fields.body),
    eventSource: 'aws:sqs',
    eventSourceARN: fields.groupId === undefined ? QUEUE_ARN : `${QUEUE_ARN}.fifo`,
    awsRegion: 'us-east-1',
  };
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

export interface SnsRecordFields {
  readonly messageId: string;
  readonly message: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly type?: string;
}

export function snsRecord(fields: SnsRecordFields): SNSEventRecord {
  const MessageAttributes: SNSEventRecord['Sns']['MessageAttributes'] = {};
  for (const [name, value] of Object.entries(fields.attributes ?? {}))
    MessageAttributes[name] = { Type: 'String', Value: value };
  return {
    EventVersion: '1.0',
    EventSubscriptionArn: `${TOPIC_ARN}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
    EventSource: 'aws:sns',
    Sns: {
      SignatureVersion: '1',
      Timestamp: '2019-01-02T12:45:07.000Z',
      Signature: 'tcc6faL2yUC6dgZdmrwh1Y4cGa/ebXEkAi6RibDsvpi+tE/1+82j...65r==',
      SigningCertUrl:
        'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem',
      MessageId: fields.messageId,
      Message: fields.message,
      MessageAttributes,
      Type: fields.type ?? 'Notification',
      UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}`,
      TopicArn: TOPIC_ARN,
      Subject: 'TestInvoke',
    },
  };
}

export const snsEvent = (...records: SNSEventRecord[]): SNSEvent => ({ Records: records });

export interface KafkaRecordFields {
  readonly topic?: string;
  readonly partition?: number;
  readonly offset: number;
  /** The value as text (base64-encoded here, as Lambda delivers it); null: a tombstone. */
  readonly value: string | null;
  readonly key?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A record as Lambda delivers it: key and value base64, each header `{ name: [bytes…] }`. */
export function kafkaRecord(fields: KafkaRecordFields): MSKRecord {
  return {
    topic: fields.topic ?? 'orders',
    partition: fields.partition ?? 0,
    offset: fields.offset,
    timestamp: 1545084650987,
    timestampType: 'CREATE_TIME',
    key: Buffer.from(fields.key ?? 'order-key').toString('base64'),
    value: (fields.value === null ? null : Buffer.from(fields.value).toString('base64')) as string,
    headers: Object.entries(fields.headers ?? {}).map(([name, value]) => ({
      [name]: [...Buffer.from(value)],
    })),
  };
}

/** Records grouped by `topic-partition`, as the event carries them. */
export function mskEvent(...records: MSKRecord[]): MSKEvent {
  const grouped: MSKEvent['records'] = {};
  for (const record of records) (grouped[`${record.topic}-${record.partition}`] ??= []).push(record);
  return {
    eventSource: 'aws:kafka',
    eventSourceArn:
      'arn:aws:kafka:us-east-1:123456789012:cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2',
    bootstrapServers: 'b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092',
    records: grouped,
  };
}

/** A Lambda context whose deadline is `remainingMs` from now. */
export function lambdaContext(remainingMs = 30_000): Context {
  const deadline = performance.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'order-consumer',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-consumer',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    logGroupName: '/aws/lambda/order-consumer',
    logStreamName: '2026/12/02/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - performance.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
