import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scrubTree } from '../src/scrub/scrubTree.js';
import { strictBeforeSend } from '../src/scrub/strictBeforeSend.js';
import {
  anyEventPart,
  contextualSecret,
  eventWith,
  shapedSecret,
  words,
} from './support/secretArbitraries.js';

describe('the default beforeSend, on generated input', () => {
  it('never throws and always returns a JSON-serialisable event, whatever it is given', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
          withNullPrototype: true,
          withObjectString: true,
        }),
        async (input) => {
          const sent = await strictBeforeSend(input as never, {});
          expect(sent).not.toBeNull();
          expect(() => JSON.stringify(sent)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never lets a secret recognisable by its shape through, wherever it is put', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapedSecret,
        words,
        words,
        anyEventPart,
        fc.stringMatching(/^[a-z]{1,10}$/),
        fc.jsonValue(),
        async (secret, before, after, part, key, noise) => {
          const event = eventWith(part, key, `${before} ${secret} ${after}`, noise);
          const sent = await strictBeforeSend({ type: undefined, ...event }, {});
          expect(JSON.stringify(sent)).not.toContain(secret);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never lets a secret through that its context gives away', async () => {
    await fc.assert(
      fc.asyncProperty(
        contextualSecret,
        words,
        words,
        anyEventPart,
        fc.jsonValue(),
        async ({ text, secret }, before, after, part, noise) => {
          const event = eventWith(part, 'note', `${before} ${text} ${after}`, noise);
          const sent = await strictBeforeSend({ type: undefined, ...event }, {});
          expect(JSON.stringify(sent)).not.toContain(secret);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never lets the value of a sensitive key through, whatever the value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'password',
          'clientSecret',
          'x-auth-token',
          'Authorization',
          'cookie',
          'apiKey',
          'email',
          'credentials',
        ),
        fc.stringMatching(/^[A-Za-z0-9]{12,30}$/),
        anyEventPart.filter((part) => part !== 'message'),
        async (key, secret, part) => {
          const sent = await strictBeforeSend(
            { type: undefined, ...eventWith(part, key, { value: secret }, null) },
            {},
          );
          expect(JSON.stringify(sent)).not.toContain(secret);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('scrubTree, on generated input', () => {
  it('is idempotent: scrubbing twice changes nothing more', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('patterns' as const, 'strict' as const), (value, mode) => {
        const once = scrubTree(value, mode);
        expect(scrubTree(once, mode)).toEqual(once);
      }),
      { numRuns: 500 },
    );
  });
});
