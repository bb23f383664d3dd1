import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/createLogger.js';
import { MessageContext } from '../src/pipeline/MessageContext.js';
import { DecodeStage } from '../src/pipeline/stages/DecodeStage.js';

const stage = new DecodeStage({ maxBytes: 1_048_576, maxDepth: 64 }, ['x-request-id']);

function decode(body: string, attributes: Record<string, string> = {}): MessageContext {
  const context = new MessageContext(
    { id: 'm-1', body, attributes, attempt: 1, source: 'orders' },
    'memory',
    createLogger('test', 'silent', 'json'),
    new AbortController().signal,
  );
  expect(stage.apply(context)).toBeUndefined();
  return context;
}

const ORDER = JSON.stringify({ mediaType: 'application/vnd.acme.order', id: 'o-1' });

describe('DecodeStage: where the media type comes from', () => {
  it.each(['application/json', 'Application/JSON; charset=utf-8', 'text/plain', 'application/octet-stream'])(
    'a generic content-type (%s) neither names nor contradicts the media type',
    (contentType) => {
      expect(decode(ORDER, { 'content-type': contentType }).mediaType).toBe('application/vnd.acme.order');
    },
  );

  it('a content-type naming a message kind counts, and must agree with the body', () => {
    const body = JSON.stringify({ id: 'o-1' });
    expect(decode(body, { 'content-type': 'application/vnd.acme.order; v=1' }).mediaType).toBe(
      'application/vnd.acme.order',
    );
    expect(() => decode(ORDER, { 'content-type': 'application/vnd.acme.refund' })).toThrow(/disagrees/);
  });

  it('media_type wins over content-type', () => {
    const body = JSON.stringify({ id: 'o-1' });
    const context = decode(body, {
      media_type: 'application/vnd.acme.order',
      'content-type': 'application/vnd.x.y',
    });
    expect(context.mediaType).toBe('application/vnd.acme.order');
  });

  it('a body with only a generic content-type and no mediaType has no media type', () => {
    expect(() => decode(JSON.stringify({ id: 'o-1' }), { 'content-type': 'application/json' })).toThrow(
      /no media type/,
    );
  });

  it('an invalid media type is quoted cut short, never whole', () => {
    const huge = `application/${'x'.repeat(550_000)} y`;
    let message = '';
    try {
      decode(JSON.stringify({ mediaType: huge, id: 'o-1' }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/bytes cut\)" is not a media type$/);
    expect(message.length).toBeLessThan(400);
  });
});
