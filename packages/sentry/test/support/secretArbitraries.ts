import fc from 'fast-check';
import { isCardNumber } from '../../src/scrub/secretValues.js';

/** Luhn-valid card numbers of 16 digits: 15 random digits and the check digit that fits. */
export const cardNumber = fc.stringMatching(/^[3-6]\d{14}$/).map((body) => {
  for (let check = 0; check <= 9; check += 1) if (isCardNumber(`${body}${check}`)) return `${body}${check}`;
  throw new Error('unreachable: one check digit always fits');
});

/** Secrets recognisable by their shape, as generators. */
export const shapedSecret = fc.oneof(
  fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
  fc.stringMatching(/^eyJ[\w-]{10,40}\.eyJ[\w-]{10,40}\.[\w-]{10,40}$/),
  fc.stringMatching(/^[a-z][a-z0-9._]{2,15}@[a-z]{3,10}\.(?:com|org|io|co\.uk)$/),
  fc.stringMatching(/^ghp_[A-Za-z0-9]{36}$/),
  cardNumber,
);

/** Secrets recognisable only by what stands before them. */
export const contextualSecret = fc
  .tuple(
    fc.constantFrom('Bearer ', 'password=', 'api_key: ', 'token=', 'https://admin:'),
    fc.stringMatching(/^[A-Za-z0-9]{11,20}\d$/),
  )
  .map(([context, secret]) => ({
    text: context.startsWith('https') ? `${context}${secret}@db.internal` : `${context}${secret}`,
    secret,
  }));

/** Words around a secret: anything without the characters that would make it part of the secret. */
export const words = fc.stringMatching(/^[a-z ,.!?()]{0,30}$/);

export const anyEventPart = fc.constantFrom(
  'extra',
  'contexts',
  'breadcrumbs',
  'exception',
  'request',
  'tags',
  'user',
  'message',
);

/** Puts `value` at a random place of an event, below some arbitrary neighbours. */
export function eventWith(
  part: string,
  key: string,
  value: unknown,
  noise: unknown,
): Record<string, unknown> {
  switch (part) {
    case 'breadcrumbs':
      return { breadcrumbs: [{ message: String(value), data: { [key]: value, noise } }] };
    case 'exception':
      return {
        exception: {
          values: [{ value: String(value), stacktrace: { frames: [{ vars: { [key]: value, noise } }] } }],
        },
      };
    case 'message':
      return { message: String(value), extra: { noise } };
    default:
      return { [part]: { [key]: value, noise } };
  }
}
