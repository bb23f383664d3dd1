import { describe, expect, it } from 'vitest';
import { isCardNumber, redactSecrets, REDACTED } from '../src/scrub/secretValues.js';
import { FINDABLE, SECRETS, SHAPED, textWithEverySecret } from './support/secretCorpus.js';

describe('redactSecrets', () => {
  it.each(SHAPED)('redacts %s in running text by its shape, and keeps the words around it', (name) => {
    const secret = SECRETS[name];
    const redacted = redactSecrets(`before ${secret} after`);
    expect(redacted).not.toContain(secret);
    expect(redacted).toMatch(/^before .*\[redacted\].* after$/);
  });

  it('leaves none of the corpus in a text that mentions all of it', () => {
    const redacted = redactSecrets(textWithEverySecret());
    expect(FINDABLE.filter((secret) => redacted.includes(secret))).toEqual([]);
  });

  it.each([
    ['password=hunter2', `password=${REDACTED}`],
    ['{"password":"hunter2","user":"bob"}', `{"password":${REDACTED},"user":"bob"}`],
    ["api_key: 'k-1'", `api_key: ${REDACTED}`],
    ['Authorization: Basic dXNlcjpwYXNz', `Authorization: ${REDACTED} ${REDACTED}`],
    ['Bearer abcDEF123456', `Bearer ${REDACTED}`],
    [`bearer ${SECRETS.bearerToken}`, `bearer ${REDACTED}`],
    [`password: ${SECRETS.password}`, `password: ${REDACTED}`],
    [`X-Api-Key=${SECRETS.apiKey}`, `X-Api-Key=${REDACTED}`],
    [`https://admin:${SECRETS.urlPassword}@db.internal/x`, `https://${REDACTED}@db.internal/x`],
    ['postgres://app:s3cret@db:5432/app', `postgres://${REDACTED}@db:5432/app`],
    ['write to jane.doe+test@mail.example.co.uk now', `write to ${REDACTED} now`],
    ['card 4111-1111-1111-1111 declined', `card ${REDACTED} declined`],
    [
      `Unexpected token 'j', "jane.doe@e"... is not valid JSON`,
      `Unexpected token 'j', "${REDACTED}" is not valid JSON`,
    ],
    [
      `Unexpected token 'x', ..."ote": "sec"... is not valid JSON`,
      `Unexpected token 'x', "${REDACTED}" is not valid JSON`,
    ],
  ])('%s → %s', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it.each([
    'application/vnd.acme.payment',
    '3b5cf6c5-7c97-4c13-aee0-526fb6c1d4f1',
    '4bf92f3577b34da6a3ce929d0e0e4736',
    'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    '/work/main/packages/core/src/pipeline/stages/ClassifyErrorsStage.ts',
    'node_modules/@sentry/node/build/esm/index.js',
    'basic validation failed: quantity must not be less than 1',
    'the token expired and the session ended',
    'gave up after 5 attempts',
    'order 1234567890 for 12 items',
    '4111111111111112',
  ])('keeps %s', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  it('is idempotent', () => {
    const once = redactSecrets(textWithEverySecret());
    expect(redactSecrets(once)).toBe(once);
  });
});

describe('isCardNumber', () => {
  it.each(['4111111111111111', '4111 1111 1111 1111', '5500-0055-5555-5559', '378282246310005'])(
    '%s is one',
    (text) => {
      expect(isCardNumber(text)).toBe(true);
    },
  );

  it.each(['4111111111111112', '1234', '12345678901234567890', 'abcd'])('%s is not', (text) => {
    expect(isCardNumber(text)).toBe(false);
  });
});
