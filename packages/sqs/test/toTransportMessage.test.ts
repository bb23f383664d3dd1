import { createHash } from 'node:crypto';
import { md5Hex, toTransportMessage } from '@switchyard/sqs';
import { describe, expect, it } from 'vitest';

const QUEUE = 'http://sqs/000/orders';

describe('toTransportMessage', () => {
  it('maps receive count, group id and attributes', () => {
    const body = '{"mediaType":"a/b"}';
    const message = toTransportMessage(
      {
        MessageId: 'id-1',
        ReceiptHandle: 'r-1',
        Body: body,
        MD5OfBody: md5Hex(body),
        Attributes: { ApproximateReceiveCount: '3', MessageGroupId: 'g-1', SentTimestamp: '1700000000123' },
        MessageAttributes: {
          media_type: { DataType: 'String', StringValue: 'a/b' },
          bin: { DataType: 'Binary' },
        },
      },
      QUEUE,
      true,
    );
    expect(message).toMatchObject({
      id: 'id-1',
      receiptHandle: 'r-1',
      body,
      attempt: 3,
      orderingKey: 'g-1',
      key: 'g-1',
      source: QUEUE,
      attributes: { media_type: 'a/b' },
      sentAt: 1_700_000_000_123,
    });
  });

  it('unwraps an SNS envelope; its attributes win, the raw body is kept for the dead-letter copy', () => {
    const raw = JSON.stringify({
      Type: 'Notification',
      TopicArn: 'arn:t',
      Message: '{"x":1}',
      MessageAttributes: { media_type: { Type: 'String', Value: 'c/d' } },
    });
    const message = toTransportMessage(
      {
        MessageId: 'i',
        ReceiptHandle: 'r',
        Body: raw,
        MessageAttributes: { media_type: { DataType: 'String', StringValue: 'a/b' } },
      },
      QUEUE,
      true,
    );
    expect(message).toMatchObject({
      body: '{"x":1}',
      rawBody: raw,
      attributes: { media_type: 'c/d' },
      attempt: 1,
    });
  });

  it('rejects a body that does not match its MD5, unless checking is off', () => {
    const raw = { MessageId: 'i', ReceiptHandle: 'r', Body: 'hello', MD5OfBody: md5Hex('hellO') };
    expect(toTransportMessage(raw, QUEUE, true)).toMatchObject({ reason: expect.stringMatching(/MD5/) });
    expect(toTransportMessage(raw, QUEUE, false)).toMatchObject({ body: 'hello' });
  });

  it('md5Hex is the MD5 SQS reports for a UTF-8 body', () => {
    // Known value: md5("hello") and a multi-byte body (SQS hashes UTF-8 bytes).
    expect(md5Hex('hello')).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(md5Hex('é')).toBe(
      createHash('md5')
        .update(Buffer.from([0xc3, 0xa9]))
        .digest('hex'),
    );
  });
});
