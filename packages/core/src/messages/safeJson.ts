import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';

/**
 * Default of `consumer.maxKeys`. What validation costs grows with the number of keys in one object:
 * class-transformer (`plainToInstance`) removes duplicate keys with `indexOf` on every object it
 * copies, n²/2 comparisons for n keys, so one flat object is the worst body for a given node count.
 * MessageCodec's compiled validation is linear (30,000 keys 28 ms), but class-validator and
 * class-transformer still run on every message a compiled check rejects (for its reasons) and on
 * schemas it cannot compile: that path sets the bound. Measured end to end on the example schema
 * (SimpleMessage: parse, shape checks, decode), median of 9, Node 24 on 2 shared cores:
 * - class-validator path, idle machine, wall time: one object of 4,000 keys 19 ms (max 26), 5,000
 *   keys 22 ms, 10,000 keys 68 ms (max 90), 30,000 keys 600 ms; issue 12 saw 100,000 keys (852 KB)
 *   block the event loop 10 s;
 * - same, loaded machine (load 5), CPU time: 4,000 keys 26 ms (max 50), 4,000 keys of 250
 *   characters (1 MiB) 26 ms, 4,000 array items 1 ms, 2,000 objects in an array 5 ms; 5,000 keys
 *   32 ms, 6,000 keys 50 ms; with compiled validation, a valid body of 4,000 keys 4 ms and an
 *   invalid one (class-validator runs for the reasons) 18 ms (max 42);
 * - a body over the bound is refused by a scan of its text before JSON.parse, which stops at the
 *   bound: under 1 ms for 100,000 keys or 520,000 items (JSON.parse alone takes 70 ms for the
 *   100,000 keys). The scan costs an accepted body under 1 ms, 7 ms for 1 MiB of escaped quotes.
 */
export const DEFAULT_MAX_KEYS = 4_000;

export interface JsonLimits {
  /** Largest accepted body in bytes. */
  maxBytes: number;
  /** Deepest accepted nesting of objects and arrays. */
  maxDepth: number;
  /**
   * Most object keys plus array items in the whole body (its JSON nodes below the root; a key
   * written twice counts twice), which bounds the CPU a body costs; absent means
   * {@link DEFAULT_MAX_KEYS}.
   */
  maxKeys?: number;
}

// Keys that reach Object.prototype when code later merges or assigns the parsed value.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const BOM = '\uFEFF';

const invalid = (reason: string): SwitchyardError => new SwitchyardError(ErrorCodes.MESSAGE_INVALID, reason);

/**
 * Bytes or text → text, refusing invalid UTF-8 and bodies above the limit. One leading byte order
 * mark (EF BB BF in bytes, U+FEFF in text) is dropped, so a body reads the same on every transport.
 */
export function bodyToText(body: string | Uint8Array, limits: JsonLimits): string {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (size > limits.maxBytes) {
    throw new SwitchyardError(
      ErrorCodes.MESSAGE_TOO_LARGE,
      `body is ${size} bytes, above the limit of ${limits.maxBytes} (consumer.maxBodyBytes)`,
    );
  }
  if (typeof body === 'string') return body.startsWith(BOM) ? body.slice(1) : body;
  try {
    // The decoder drops one leading BOM itself (ignoreBOM is false).
    return utf8.decode(body);
  } catch {
    throw invalid('body is not valid UTF-8');
  }
}

/**
 * Parses untrusted JSON: size, node count (before and after parsing) and depth are bounded, and keys that could pollute
 * prototypes are refused rather than silently dropped, so the sender learns why (the message is
 * dead-lettered). Reasons never quote the body: a syntax error says where, not what.
 */
export function parseUntrustedJson(body: string | Uint8Array, limits: JsonLimits): unknown {
  const text = bodyToText(body, limits);
  precheckShape(text, limits.maxDepth, limits.maxKeys ?? DEFAULT_MAX_KEYS);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`body is not JSON (${describePosition(text, syntaxErrorPosition(text, error))})`);
  }
  checkShape(value, limits);
  return value;
}

/**
 * One pass over a parsed value, each node visited once: depth, node count and forbidden keys.
 * An explicit stack, not recursion, so a 10k-deep document cannot overflow the call stack; the count
 * is checked before a container's children are pushed, so the walk stops at the bound.
 */
export function checkShape(root: unknown, limits: Pick<JsonLimits, 'maxDepth' | 'maxKeys'>): void {
  const { maxDepth, maxKeys = DEFAULT_MAX_KEYS } = limits;
  const values: unknown[] = [root];
  const depths: number[] = [1];
  let nodes = 0;
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > maxDepth) throw tooDeep(maxDepth);
    if (Array.isArray(value)) {
      nodes += value.length;
      if (nodes > maxKeys) throw tooManyNodes(maxKeys);
      for (const item of value as unknown[]) {
        // Scalars need no visit: only containers go on the stack.
        if (typeof item === 'object' && item !== null) {
          values.push(item);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    const keys = Object.keys(value);
    nodes += keys.length;
    if (nodes > maxKeys) throw tooManyNodes(maxKeys);
    for (const key of keys) {
      if (FORBIDDEN_KEYS.has(key)) throw invalid(`body contains the forbidden key "${key}"`);
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) {
        values.push(item);
        depths.push(depth + 1);
      }
    }
  }
}

const tooDeep = (maxDepth: number): SwitchyardError =>
  invalid(`body nests deeper than ${maxDepth} levels (consumer.maxDepth)`);
const tooManyNodes = (maxKeys: number): SwitchyardError =>
  invalid(`body has more than ${maxKeys} keys and items (consumer.maxKeys)`);

/**
 * The same bounds on the text, before JSON.parse would build the whole value: 100,000 keys (852 KB)
 * cost JSON.parse 70 ms of CPU, this scan under 1 ms (it jumps over strings with indexOf), and it
 * stops at the bound. Exact for JSON (depth is the open brackets; keys are the colons, items the
 * commas of arrays plus one per non-empty array), checked in the order they occur. A key written
 * twice counts twice here (JSON.parse does the work twice), once in the walk of the value. Text
 * shorter than 2 bytes a node cannot exceed maxKeys and is not scanned. For text that is not JSON
 * the count is rough, and JSON.parse then says where it fails.
 */
export function precheckShape(text: string, maxDepth: number, maxKeys: number): void {
  if (text.length <= 2 * maxKeys + 2) return;
  const inArray: boolean[] = [];
  let nodes = 0;
  let opened = false; // just after '[': the next token, unless ']', is the array's first item
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (isWhitespace(code)) continue;
    if (opened && code !== 0x5d) nodes += 1;
    opened = false;
    if (code === 0x22) {
      index = endOfString(text, index);
    } else if (code === 0x5b || code === 0x7b) {
      inArray.push(code === 0x5b);
      opened = code === 0x5b;
      if (inArray.length > maxDepth) throw tooDeep(maxDepth);
    } else if (code === 0x5d || code === 0x7d) {
      inArray.pop();
    } else if (code === 0x3a || (code === 0x2c && inArray.at(-1) === true)) {
      nodes += 1;
    } else {
      continue;
    }
    if (nodes > maxKeys) throw tooManyNodes(maxKeys);
  }
}

/** Index of the quote that closes the string opened at `start` (the text's end if none does). */
function endOfString(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
  }
  return text.length;
}

/**
 * Where JSON.parse stopped. Its message quotes up to 20 characters of the body around the error
 * (the whole body when it is shorter than 21) and then states no position, so the text of the
 * message never leaves this function: a stated `at position N` is used, else the position is found
 * again by {@link firstInvalidCharacter}, linearly and without quoting anything.
 */
function syntaxErrorPosition(text: string, error: unknown): number {
  const message = error instanceof Error ? error.message : '';
  const stated = /\bat position (\d+)\b/.exec(message);
  if (stated !== null) return Math.min(Number(stated[1]), text.length);
  if (message === 'Unexpected end of JSON input') return text.length;
  return firstInvalidCharacter(text);
}

/** `at position 12`, with line and column (1-based) past the first line, or where the body ends. */
function describePosition(text: string, position: number): string {
  if (position >= text.length) return `ends early, at position ${text.length}`;
  const lineStart = text.lastIndexOf('\n', position - 1) + 1;
  if (lineStart === 0) return `at position ${position}`;
  let line = 1;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < position;
    index = text.indexOf('\n', index + 1)
  ) {
    line += 1;
  }
  return `at position ${position}, line ${line} column ${position - lineStart + 1}`;
}

// The JSON grammar (RFC 8259) as a state machine: what may come next.
const Next = { Value: 0, ValueOrClose: 1, Key: 2, KeyOrClose: 3, Colon: 4, CommaOrClose: 5 } as const;

const isWhitespace = (code: number): boolean =>
  code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;
const isHex = (code: number): boolean =>
  isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);

/**
 * Index of the first character at which `text` stops being the start of a JSON text, as JSON.parse
 * reports it; `text.length` when the text ends before its value does. Only run on text JSON.parse
 * refused; one pass, no recursion.
 */
function firstInvalidCharacter(text: string): number {
  const closers: number[] = [];
  let next: number = Next.Value;
  let index = 0;
  for (;;) {
    while (index < text.length && isWhitespace(text.charCodeAt(index))) index += 1;
    if (index >= text.length) return text.length;
    const code = text.charCodeAt(index);
    switch (next) {
      case Next.KeyOrClose:
      case Next.Key:
        if (next === Next.KeyOrClose && code === 0x7d) {
          closers.pop();
          index += 1;
          next = Next.CommaOrClose;
        } else if (code === 0x22) {
          index = scanString(text, index);
          next = Next.Colon;
        } else {
          return index;
        }
        break;
      case Next.Colon:
        if (code !== 0x3a) return index;
        index += 1;
        next = Next.Value;
        break;
      case Next.ValueOrClose:
      case Next.Value:
        if (next === Next.ValueOrClose && code === 0x5d) {
          closers.pop();
          index += 1;
          next = Next.CommaOrClose;
        } else if (code === 0x7b || code === 0x5b) {
          closers.push(code === 0x7b ? 0x7d : 0x5d);
          index += 1;
          next = code === 0x7b ? Next.KeyOrClose : Next.ValueOrClose;
        } else {
          index = scanScalar(text, index, code);
          next = Next.CommaOrClose;
        }
        break;
      case Next.CommaOrClose: {
        const closer = closers.at(-1);
        if (code === 0x2c && closer !== undefined) {
          index += 1;
          next = closer === 0x7d ? Next.Key : Next.Value;
        } else if (code === closer) {
          closers.pop();
          index += 1;
        } else {
          return index;
        }
        break;
      }
    }
    // A scan that failed returns the failing index as ~index.
    if (index < 0) return ~index;
  }
}

/** After the scalar starting at `start`, or ~(index of the first bad character). */
function scanScalar(text: string, start: number, code: number): number {
  if (code === 0x22) return scanString(text, start);
  if (code === 0x2d || isDigit(code)) return scanNumber(text, start);
  for (const word of ['true', 'false', 'null']) {
    if (code !== word.charCodeAt(0)) continue;
    for (let offset = 1; offset < word.length; offset += 1) {
      if (start + offset >= text.length) return ~text.length;
      if (text.charCodeAt(start + offset) !== word.charCodeAt(offset)) return ~(start + offset);
    }
    return start + word.length;
  }
  return ~start;
}

function scanString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 0x22) return index + 1;
    if (code < 0x20) return ~index;
    if (code !== 0x5c) {
      index += 1;
      continue;
    }
    index += 1;
    if (index >= text.length) break;
    const escaped = text.charCodeAt(index);
    if (escaped === 0x75) {
      for (let offset = 1; offset <= 4; offset += 1) {
        if (index + offset >= text.length) return ~text.length;
        if (!isHex(text.charCodeAt(index + offset))) return ~(index + offset);
      }
      index += 5;
    } else if ('"\\/bfnrt'.includes(text[index]!)) {
      index += 1;
    } else {
      return ~index;
    }
  }
  return ~text.length;
}

function scanNumber(text: string, start: number): number {
  let index = start;
  const digits = (): number => {
    const first = index;
    while (index < text.length && isDigit(text.charCodeAt(index))) index += 1;
    return index - first;
  };
  if (text.charCodeAt(index) === 0x2d) index += 1;
  if (text.charCodeAt(index) === 0x30) index += 1;
  else if (digits() === 0) return ~Math.min(index, text.length);
  if (text.charCodeAt(index) === 0x2e) {
    index += 1;
    if (digits() === 0) return ~Math.min(index, text.length);
  }
  const exponent = text.charCodeAt(index);
  if (exponent === 0x65 || exponent === 0x45) {
    index += 1;
    const sign = text.charCodeAt(index);
    if (sign === 0x2b || sign === 0x2d) index += 1;
    if (digits() === 0) return ~Math.min(index, text.length);
  }
  return index;
}
