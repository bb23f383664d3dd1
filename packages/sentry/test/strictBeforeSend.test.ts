import type { ErrorEvent } from '@sentry/node';
import { describe, expect, it } from 'vitest';
import { REDUCED_MESSAGE, safeMinimum } from '../src/scrub/safeMinimum.js';
import { REDACTED } from '../src/scrub/secretValues.js';
import { strictBeforeSend } from '../src/scrub/strictBeforeSend.js';
import { FINDABLE, SECRETS, textWithEverySecret } from './support/secretCorpus.js';

/** An event whose own keys cannot even be listed: scrubbing has to give up on it. */
function unlistable(target: Record<string, unknown>): ErrorEvent {
  return new Proxy(target, {
    ownKeys: () => {
      throw new Error('cannot list keys');
    },
  }) as unknown as ErrorEvent;
}

const target = {
  type: undefined,
  event_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  timestamp: 1_700_000_000.5,
  platform: 'node',
  environment: 'production',
  release: `1.2.3 by ${SECRETS.email}`,
  message: textWithEverySecret(),
  tags: {
    media_type: 'application/vnd.test.payment',
    message_id: 'm-1',
    attempt: 2,
    customer: SECRETS.email,
    handler: textWithEverySecret().repeat(2),
  },
  exception: {
    values: [{ type: 'PaymentDeclined', value: textWithEverySecret() }, { type: `Bad ${SECRETS.email}` }],
  },
  extra: { password: SECRETS.password },
};

describe('strictBeforeSend', () => {
  it('returns a scrubbed copy, never the event itself', async () => {
    const event: ErrorEvent = { type: undefined, message: `for ${SECRETS.email}` };
    const sent = await strictBeforeSend(event, {});
    expect(sent).not.toBe(event);
    expect(sent).toEqual({ type: undefined, message: `for ${REDACTED}` });
  });

  it('sends a safe minimum when scrubbing throws, rather than dropping the event or sending it raw', async () => {
    const sent = await strictBeforeSend(unlistable(target), {});
    expect(sent).toEqual({
      type: undefined,
      level: 'error',
      message: REDUCED_MESSAGE,
      event_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      timestamp: 1_700_000_000.5,
      platform: 'node',
      environment: 'production',
      release: `1.2.3 by ${REDACTED}`,
      tags: { media_type: 'application/vnd.test.payment', message_id: 'm-1', attempt: '2' },
      exception: { values: [{ type: 'PaymentDeclined' }] },
    });
    const text = JSON.stringify(sent);
    expect(FINDABLE.filter((secret) => text.includes(secret))).toEqual([]);
  });
});

describe('safeMinimum', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'text'],
    ['an array', []],
    ['an unlistable object', unlistable({})],
  ])('gives a minimal event for %s', (_name, input) => {
    expect(safeMinimum(input)).toMatchObject({ level: 'error', message: REDUCED_MESSAGE });
  });

  it('loses only the fields it cannot read', () => {
    const hostile = Object.defineProperty({ event_id: '4bf92f3577b34da6a3ce929d0e0e4736' }, 'tags', {
      enumerable: true,
      get() {
        throw new Error('tags');
      },
    });
    expect(safeMinimum(hostile)).toEqual({
      type: undefined,
      level: 'error',
      message: REDUCED_MESSAGE,
      event_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
  });

  it('drops an event id that is not one', () => {
    expect(safeMinimum({ event_id: SECRETS.email })).not.toHaveProperty('event_id');
  });
});
