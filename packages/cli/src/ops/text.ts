/**
 * Text from a queue or topic is untrusted: a body or header may hold terminal escape sequences, be
 * megabytes long or not be UTF-8. Everything these commands print to a terminal goes through here.
 */

// C0 and C1 controls and DEL, except tab and newline (kept in bodies, escaped in one-line fields):
// an escape sequence in a body must not drive the operator's terminal.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const LINE_BREAKS = /[\n\t]/g;

function escapeControl(character: string): string {
  if (character === '\n') return '\\n';
  if (character === '\t') return '\\t';
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` safe for one line of a terminal: controls escaped, cut to `maxChars` with a marker. */
export function oneLine(text: string, maxChars = 200): string {
  const safe = text.replace(CONTROL, escapeControl).replace(LINE_BREAKS, escapeControl);
  return safe.length <= maxChars ? safe : `${safe.slice(0, maxChars)}… (${safe.length - maxChars} more)`;
}

/** A body as text for a terminal: valid UTF-8 shown (controls escaped), anything else in base64. */
export interface PrintableBody {
  readonly text: string;
  /** `utf8`: the body as text; `base64`: the bytes were not UTF-8; `none`: no body (a tombstone). */
  readonly encoding: 'utf8' | 'base64' | 'none';
  readonly bytes: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function printableBody(body: string | Uint8Array | null): PrintableBody {
  if (body === null) return { text: '', encoding: 'none', bytes: 0 };
  if (typeof body === 'string') return { text: body, encoding: 'utf8', bytes: Buffer.byteLength(body) };
  try {
    return { text: utf8.decode(body), encoding: 'utf8', bytes: body.byteLength };
  } catch {
    return { text: Buffer.from(body).toString('base64'), encoding: 'base64', bytes: body.byteLength };
  }
}

/** A body for a terminal: controls escaped (newlines and tabs kept), cut to `maxChars`. */
export function bodyForTerminal(body: PrintableBody, maxChars: number): string {
  if (body.encoding === 'none') return '(no body)';
  const safe = body.text.replace(CONTROL, escapeControl);
  const cut =
    safe.length <= maxChars
      ? safe
      : `${safe.slice(0, maxChars)}… (${safe.length - maxChars} more characters)`;
  return body.encoding === 'base64' ? `(not UTF-8; base64) ${cut}` : cut;
}
