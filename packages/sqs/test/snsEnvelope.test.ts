import { unwrapSnsEnvelope } from '@switchyard/sqs';
import { describe, expect, it } from 'vitest';

const envelope = (fields: Record<string, unknown>): string =>
  JSON.stringify({ Type: 'Notification', TopicArn: 'arn:aws:sns:eu-west-1:1:orders', ...fields });

describe('unwrapSnsEnvelope', () => {
  it('unwraps Message and takes string attributes, skipping binary ones', () => {
    const body = envelope({
      Message: '{"id":1}',
      MessageId: 'm-1',
      MessageAttributes: {
        media_type: { Type: 'String', Value: 'application/vnd.acme.order' },
        count: { Type: 'Number', Value: '3' },
        blob: { Type: 'Binary', Value: 'AAEC' },
      },
    });
    expect(unwrapSnsEnvelope(body)).toEqual({
      kind: 'sns',
      body: '{"id":1}',
      attributes: { media_type: 'application/vnd.acme.order', count: '3' },
      topicArn: 'arn:aws:sns:eu-west-1:1:orders',
      messageId: 'm-1',
    });
  });

  it('passes anything else through untouched', () => {
    for (const body of [
      'not json',
      '{"mediaType":"a/b"}',
      '{"Type":"Notification"}',
      '[1]',
      '{"Type":"Notification",',
    ])
      expect(unwrapSnsEnvelope(body)).toEqual({ kind: 'plain', body });
  });

  it('reports what is wrong with a broken envelope', () => {
    expect(unwrapSnsEnvelope(envelope({ Message: 42 }))).toEqual({
      kind: 'corrupt',
      reason: 'corrupt SNS envelope: Message is missing or not a string',
    });
    expect(
      unwrapSnsEnvelope(envelope({ Message: 'x', MessageAttributes: { a: { Value: 'v' } } })),
    ).toMatchObject({
      kind: 'corrupt',
      reason: expect.stringMatching(/MessageAttributes\["a"\] has no Type/),
    });
    expect(unwrapSnsEnvelope(envelope({ Message: 'x', MessageAttributes: [] }))).toMatchObject({
      kind: 'corrupt',
    });
    expect(unwrapSnsEnvelope(envelope({ Message: 'x', TopicArn: 5 }))).toMatchObject({ kind: 'corrupt' });
  });
});
