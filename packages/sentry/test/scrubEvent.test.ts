import type { ErrorEvent } from '@sentry/node';
import { describe, expect, it } from 'vitest';
import { scrubEvent } from '../src/scrub/scrubEvent.js';
import { REDACTED } from '../src/scrub/secretValues.js';
import { FINDABLE, objectWithEverySecret, SECRETS, textWithEverySecret } from './support/secretCorpus.js';

/** An event with the corpus in every place the SDK puts data. */
function eventWithEverySecret(): ErrorEvent {
  return {
    type: undefined,
    event_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    timestamp: 1_700_000_000.5,
    level: 'error',
    platform: 'node',
    message: textWithEverySecret(),
    logentry: { message: 'login %s', params: [SECRETS.email] },
    exception: {
      values: [
        {
          type: 'Error',
          value: textWithEverySecret(),
          mechanism: { type: 'generic', handled: true, data: { hint: SECRETS.jwt } },
          stacktrace: {
            frames: [
              {
                filename: '/app/src/pay.ts',
                function: 'pay',
                lineno: 12,
                colno: 3,
                in_app: true,
                context_line: `const key = "${SECRETS.awsAccessKeyId}";`,
                vars: { ...objectWithEverySecret(), payment: { id: 'p-1', holder: 'Jane Doe', amount: 12 } },
              },
            ],
          },
        },
      ],
    },
    breadcrumbs: [
      {
        timestamp: 1_700_000_000,
        category: 'console',
        message: textWithEverySecret(),
        data: objectWithEverySecret(),
      },
    ],
    extra: { payload: objectWithEverySecret() },
    contexts: {
      customer: objectWithEverySecret(),
      trace: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' },
    },
    tags: { media_type: 'application/vnd.test.payment', message_id: 'm-1', customer: SECRETS.email },
    user: { id: 'u-1', email: SECRETS.email, ip_address: '10.0.0.1' },
    request: {
      method: 'POST',
      url: `https://api.example.com/pay?token=${SECRETS.apiKey}`,
      headers: { authorization: `Bearer ${SECRETS.bearerToken}`, 'user-agent': 'curl/8' },
      cookies: { sid: 'abc' },
      data: { holder: 'Jane Doe', card: SECRETS.cardNumber },
    },
    sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
  };
}

describe('scrubEvent', () => {
  it('leaves no secret of the corpus anywhere in the event', () => {
    const text = JSON.stringify(scrubEvent(eventWithEverySecret()));
    expect(FINDABLE.filter((secret) => text.includes(secret))).toEqual([]);
    expect(text).not.toContain('Jane Doe');
  });

  it('keeps ids, media types, timestamps and SDK bookkeeping as they were', () => {
    const scrubbed = scrubEvent(eventWithEverySecret());
    expect(scrubbed).toMatchObject({
      event_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      timestamp: 1_700_000_000.5,
      level: 'error',
      sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
      tags: { media_type: 'application/vnd.test.payment', message_id: 'm-1', customer: REDACTED },
      user: { id: 'u-1', email: REDACTED, ip_address: REDACTED },
      contexts: { trace: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' } },
    });
    expect(scrubbed.breadcrumbs?.[0]?.timestamp).toBe(1_700_000_000);
  });

  it('scrubs frame variables strictly and keeps where the frame is', () => {
    const frame = scrubEvent(eventWithEverySecret()).exception?.values?.[0]?.stacktrace?.frames?.[0];
    expect(frame).toMatchObject({
      filename: '/app/src/pay.ts',
      function: 'pay',
      lineno: 12,
      colno: 3,
      in_app: true,
    });
    expect(frame?.vars?.payment).toEqual({ id: 'p-1', holder: REDACTED, amount: REDACTED });
    expect(frame?.context_line).toBe(`const key = "${REDACTED}";`);
  });

  it('scrubs request bodies strictly, drops cookies, and scrubs headers and URLs by pattern', () => {
    expect(scrubEvent(eventWithEverySecret()).request).toEqual({
      method: 'POST',
      url: `https://api.example.com/pay?token=${REDACTED}`,
      headers: { authorization: REDACTED, 'user-agent': 'curl/8' },
      cookies: REDACTED,
      data: { holder: REDACTED, card: REDACTED },
    });
  });

  it('keeps the words of messages and exception values around what it redacts', () => {
    const scrubbed = scrubEvent(eventWithEverySecret());
    expect(scrubbed.exception?.values?.[0]?.value).toMatch(
      /^payment for \[redacted\] with card \[redacted\]/,
    );
    expect(scrubbed.breadcrumbs?.[0]?.message).toMatch(/^payment for \[redacted\]/);
    expect(scrubbed.logentry).toEqual({ message: 'login %s', params: [REDACTED] });
  });

  it('does not change the event it was given', () => {
    const event = eventWithEverySecret();
    const before = JSON.stringify(event);
    scrubEvent(event);
    expect(JSON.stringify(event)).toBe(before);
  });
});
