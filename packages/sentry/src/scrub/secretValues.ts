/**
 * Values that look like secrets wherever they appear: inside error messages, log lines,
 * breadcrumbs or any string of an event. Each pattern replaces only the secret, so the rest of
 * the text still explains what happened.
 */

export const REDACTED = '[redacted]';

interface SecretPattern {
  readonly name: string;
  readonly pattern: RegExp;
  readonly replace: (match: string, ...groups: string[]) => string;
}

const whole = (): string => REDACTED;

/** 40 characters of base64 with upper case, lower case and a digit: an AWS secret access key. */
function awsSecretKey(match: string): string {
  return /[A-Z]/.test(match) && /[a-z]/.test(match) && /[0-9]/.test(match) ? REDACTED : match;
}

/** Not an English word: "basic validation" stays, "Basic dXNlcjpwYXNz" goes. */
function looksLikeCredential(text: string): boolean {
  return /[\d.~+/=]/.test(text) || (/[A-Z]/.test(text) && /[a-z]/.test(text));
}

/** Card numbers: 13–19 digits (spaces or dashes allowed) that pass the Luhn check. */
export function isCardNumber(text: string): boolean {
  const digits = text.replace(/[ -]/g, '');
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

// Order matters: whole tokens go first, so `Authorization: Bearer <jwt>` loses the token before
// the key=value rule looks at it.
const PATTERNS: readonly SecretPattern[] = [
  {
    name: 'private key',
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    replace: whole,
  },
  { name: 'JWT', pattern: /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, replace: whole },
  {
    name: 'bearer or basic credentials',
    pattern: /\b(bearer|basic)(\s+)([\w.~+/=-]{8,})/gi,
    replace: (match, scheme = '', space = ' ', credential = '') =>
      looksLikeCredential(credential) ? `${scheme}${space}${REDACTED}` : match,
  },
  {
    name: 'vendor token',
    pattern:
      /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|AIza[\w-]{35})/g,
    replace: whole,
  },
  {
    name: 'AWS access key id',
    pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b/g,
    replace: whole,
  },
  {
    name: 'AWS secret access key',
    pattern: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/g,
    replace: awsSecretKey,
  },
  {
    name: 'credentials in a URL',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi,
    replace: (_match, scheme = '') => `${scheme}${REDACTED}@`,
  },
  {
    name: 'e-mail address',
    pattern: /[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    replace: whole,
  },
  {
    name: 'card number',
    pattern: /(?<![A-Za-z0-9])(?:\d[ -]?){12,18}\d(?![A-Za-z0-9])/g,
    replace: (match) => (isCardNumber(match) ? REDACTED : match),
  },
  {
    // V8 quotes the start of unparseable input: `Unexpected token 'j', "jane.doe@e"... is not valid JSON`.
    // The quote is a cut-off piece of a message body, too short for any other pattern to recognise.
    name: 'quoted JSON input',
    // V8 does not escape quotes inside the quote, so it runs to the last `"` before the verdict.
    pattern: /(?:\.\.\.)?"[^\n]*?"(?:\.\.\.)? is not valid JSON/g,
    replace: () => `"${REDACTED}" is not valid JSON`,
  },
  {
    name: 'sensitive key=value',
    pattern:
      /\b([\w-]*(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|authorization|auth|cookie|credentials?|session)[\w-]*)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}]+)/gi,
    replace: (_match, key = '', separator = '=') => `${key}${separator}${REDACTED}`,
  },
];

export const SECRET_PATTERN_NAMES: readonly string[] = PATTERNS.map((each) => each.name);

/** The text with every secret-looking part replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const { pattern, replace } of PATTERNS) result = result.replace(pattern, replace);
  return result;
}

/** A number that could be a card number (13–19 digits, Luhn-valid). */
export function isSecretNumber(value: number | bigint): boolean {
  if (typeof value === 'bigint') return isCardNumber((value < 0n ? -value : value).toString());
  return Number.isSafeInteger(Math.abs(value)) ? isCardNumber(String(Math.abs(value))) : false;
}
