import { describe, expect, it } from 'vitest';
import { REDACTED } from '../src/scrub/secretValues.js';
import { scrubTree } from '../src/scrub/scrubTree.js';
import { FINDABLE, objectWithEverySecret } from './support/secretCorpus.js';

describe('scrubTree in patterns mode', () => {
  it('redacts values under sensitive keys and secret-looking parts of other strings', () => {
    expect(
      scrubTree(
        { password: 'hunter2', token: { nested: 'x' }, note: 'mail jane@example.com', quantity: 3, ok: true },
        'patterns',
      ),
    ).toEqual({ password: REDACTED, token: REDACTED, note: `mail ${REDACTED}`, quantity: 3, ok: true });
  });

  it('keeps identifiers and media types, but not a secret posing as one', () => {
    expect(
      scrubTree(
        { message_id: 'm-1', mediaType: 'application/vnd.a', session_id: 's-1', user_id: 'jane@example.com' },
        'patterns',
      ),
    ).toEqual({ message_id: 'm-1', mediaType: 'application/vnd.a', session_id: 's-1', user_id: REDACTED });
  });

  it('redacts card numbers stored as numbers, and keeps other numbers', () => {
    expect(
      scrubTree({ card: 4111111111111111, amount: 1999, bigCard: 4111111111111111n, big: 12n }, 'patterns'),
    ).toEqual({
      card: REDACTED,
      amount: 1999,
      bigCard: REDACTED,
      big: '12',
    });
  });

  it('leaves none of the corpus in an object that holds all of it', () => {
    const text = JSON.stringify(scrubTree(objectWithEverySecret(), 'patterns'));
    expect(FINDABLE.filter((secret) => text.includes(secret))).toEqual([]);
    expect(text).toContain('"message_id":"m-123"');
  });

  it('redacts secrets in keys, without merging two keys into one', () => {
    expect(scrubTree({ 'jane@example.com': 1, 'bob@example.com': 2 }, 'patterns')).toEqual({
      [REDACTED]: 1,
      [`${REDACTED} 2`]: 2,
    });
  });
});

describe('scrubTree in strict mode', () => {
  it('keeps only identifiers, booleans and empty values', () => {
    expect(
      scrubTree(
        {
          id: 'o-1',
          name: 'Jane',
          count: 2,
          paid: false,
          missing: null,
          nested: { orderId: 'o-2', city: 'Oslo' },
          list: ['a'],
        },
        'strict',
      ),
    ).toEqual({
      id: 'o-1',
      name: REDACTED,
      count: REDACTED,
      paid: false,
      missing: null,
      nested: { orderId: 'o-2', city: REDACTED },
      list: [REDACTED],
    });
  });
});
