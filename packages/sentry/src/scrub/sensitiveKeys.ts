/**
 * Which keys name secrets (their values are redacted whatever they look like) and which name
 * identifiers (kept, so an event still says which message and media type it was about).
 */

/** Fragments of a key, compared case-insensitively with `_`, `-`, `.` and spaces removed. */
const SENSITIVE_FRAGMENTS = [
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'token',
  'auth', // authorization, oauth, x-auth-…
  'cookie',
  'session',
  'apikey',
  'privatekey',
  'accesskey',
  'credential',
  'email',
  'ssn',
  'creditcard',
  'cardnumber',
  'cvv',
  'cvc',
  'iban',
  'signature',
  'dsn',
  'bearer',
  'jwt',
  'ipaddress',
];

/** `id`, `uuid`, `message_id`, `x-request-id`, `messageId`, `mediaType`, `media_type`, `content-type`. */
const IDENTIFIER_KEY = /^(?:id|uuid|guid)$|[_.-]id$|[a-z0-9]Id$|^(?:media|content)[_-]?type$/;
const MEDIA_TYPE_KEY = /^(?:media|content)Type$/;

function normalized(key: string): string {
  return key.toLowerCase().replace(/[\s_.-]+/g, '');
}

export function isSensitiveKey(key: string): boolean {
  const flat = normalized(key);
  return SENSITIVE_FRAGMENTS.some((fragment) => flat.includes(fragment));
}

/** Identifier keys win over sensitive ones (`session_id` is kept); their values are still checked. */
export function isIdentifierKey(key: string): boolean {
  return IDENTIFIER_KEY.test(key) || MEDIA_TYPE_KEY.test(key);
}
