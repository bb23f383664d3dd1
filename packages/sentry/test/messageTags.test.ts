import { createLogger, MessageContext, type BoundHandler } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { messageTags, messageUser } from '../src/messageTags.js';

function contextOf(
  opaqueData: Record<string, string> = {},
  decoded = true,
  transport = 'sqs',
): MessageContext {
  const context = new MessageContext(
    { id: 'm-1', body: '{}', attributes: {}, attempt: 3, source: 'payments' },
    transport,
    createLogger('test', 'silent', 'json'),
    new AbortController().signal,
  );
  if (decoded) {
    context.mediaType = 'application/vnd.test.payment';
    context.handler = { name: 'PaymentHandler' } as BoundHandler;
    context.opaqueData = opaqueData;
  }
  return context;
}

const noMapping = { customTagsMapping: {}, customUserId: '' };

describe('messageTags', () => {
  it('never lets a custom mapping overwrite a tag of its own', () => {
    const mapping = { customTagsMapping: { 'x-tenant': 'handler' }, customUserId: '' };
    expect(messageTags(contextOf({ 'x-tenant': 'acme' }), mapping).handler).toBe('PaymentHandler');
  });

  it('names the message, its transport, source and attempt, and what decoding learned', () => {
    expect(messageTags(contextOf({ 'x-request-id': 'req-1' }), noMapping)).toEqual({
      message_id: 'm-1',
      transport: 'sqs',
      source: 'payments',
      queue: 'payments',
      attempt: '3',
      media_type: 'application/vnd.test.payment',
      handler: 'PaymentHandler',
      request_id: 'req-1',
    });
  });

  it('has no media type or handler for a message that was never decoded', () => {
    expect(Object.keys(messageTags(contextOf({}, false), noMapping)).sort()).toEqual([
      'attempt',
      'message_id',
      'queue',
      'source',
      'transport',
    ]);
  });

  it('names the source a queue or a topic as its transport does, and neither for others', () => {
    // toEqual treats an undefined property as absent: `{ queue: 'payments' }` means no topic.
    const sourceTags = (transport: string): object => {
      const { queue, topic } = messageTags(contextOf({}, true, transport), noMapping);
      return { queue, topic };
    };
    expect(sourceTags('sqs')).toEqual({ queue: 'payments' });
    expect(sourceTags('memory')).toEqual({ queue: 'payments' });
    expect(sourceTags('kafka')).toEqual({ topic: 'payments' });
    expect(sourceTags('carrier-pigeon')).toEqual({});
  });

  it('adds mapped opaque data as tags, and skips keys the message does not carry', () => {
    const mapping = { customTagsMapping: { 'x-tenant': 'tenant', 'x-region': 'region' }, customUserId: '' };
    const tags = messageTags(contextOf({ 'x-tenant': 'acme' }), mapping);
    expect(tags.tenant).toBe('acme');
    expect(tags).not.toHaveProperty('region');
  });
});

describe('messageUser', () => {
  it('takes user.id from the configured opaque key', () => {
    expect(
      messageUser(contextOf({ 'x-user': 'u-42' }), { customTagsMapping: {}, customUserId: 'x-user' }),
    ).toEqual({ id: 'u-42' });
  });

  it('is undefined when not configured or not carried', () => {
    expect(messageUser(contextOf({ 'x-user': 'u-42' }), noMapping)).toBeUndefined();
    expect(messageUser(contextOf({}), { customTagsMapping: {}, customUserId: 'x-user' })).toBeUndefined();
  });
});
