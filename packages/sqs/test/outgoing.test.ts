import { MAX_MESSAGE_BYTES, producerKind, SqsConfig, SqsErrorCodes, SnsProducer } from '@switchyard/sqs';
import type { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';

const message = (body: string, mediaType = 'application/vnd.acme.order') => ({
  mediaType,
  body,
  attributes: { media_type: mediaType },
});

describe('SNS producer routing and limits (no server)', () => {
  const unusedClient = {} as SNSClient;
  const producer = new SnsProducer(
    unusedClient,
    { 'application/vnd.acme.order': 'arn:orders' },
    'arn:default',
  );

  it('routes by destination, then media type, then the default topic', () => {
    expect(producer.topicFor({ ...message('{}'), destination: 'arn:explicit' })).toBe('arn:explicit');
    expect(producer.topicFor(message('{}'))).toBe('arn:orders');
    expect(producer.topicFor(message('{}', 'application/vnd.acme.other'))).toBe('arn:default');
    expect(() => new SnsProducer(unusedClient, {}, '').topicFor(message('{}'))).toThrow(/no SNS topic/);
  });

  it('refuses a message over 256 KiB with its attributes before calling SNS', async () => {
    const body = 'x'.repeat(MAX_MESSAGE_BYTES - 10);
    await expect(producer.send(message(body))).rejects.toMatchObject({
      code: SqsErrorCodes.MESSAGE_TOO_LARGE,
      message: expect.stringMatching(/application\/vnd.acme.order message is \d+ bytes/),
    });
  });

  it('picks SNS once a topic is configured, else SQS, unless told', () => {
    const config = new SqsConfig();
    expect(producerKind(config)).toBe('sqs');
    expect(producerKind(Object.assign(new SqsConfig(), { topicArn: 'arn:t' }))).toBe('sns');
    expect(
      producerKind(Object.assign(new SqsConfig(), { topicArns: { 'a/b': 'arn:t' }, producer: 'sqs' })),
    ).toBe('sqs');
  });
});
