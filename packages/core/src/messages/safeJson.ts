import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';

export interface JsonLimits {
  /** Largest accepted body in bytes. */
  maxBytes: number;
  /** Deepest accepted nesting of objects and arrays. */
  maxDepth: number;
}

// Keys that reach Object.prototype when code later merges or assigns the parsed value.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

const invalid = (reason: string): SwitchyardError => new SwitchyardError(ErrorCodes.MESSAGE_INVALID, reason);

/** Bytes or text → text, refusing invalid UTF-8 and bodies above the limit. */
export function bodyToText(body: string | Uint8Array, limits: JsonLimits): string {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (size > limits.maxBytes) {
    throw new SwitchyardError(
      ErrorCodes.MESSAGE_TOO_LARGE,
      `body is ${size} bytes, above the limit of ${limits.maxBytes} (consumer.maxBodyBytes)`,
    );
  }
  if (typeof body === 'string') return body;
  try {
    return utf8.decode(body);
  } catch {
    throw invalid('body is not valid UTF-8');
  }
}

/**
 * Parses untrusted JSON: size and depth are bounded, and keys that could pollute prototypes are
 * refused rather than silently dropped, so the sender learns why (the message is dead-lettered).
 */
export function parseUntrustedJson(body: string | Uint8Array, limits: JsonLimits): unknown {
  const text = bodyToText(body, limits);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`body is not JSON: ${(error as Error).message}`);
  }
  checkShape(value, limits.maxDepth);
  return value;
}

function checkShape(root: unknown, maxDepth: number): void {
  // An explicit stack, not recursion: a 10k-deep document must not overflow the call stack.
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > maxDepth) throw invalid(`body nests deeper than ${maxDepth} levels (consumer.maxDepth)`);
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1]);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) throw invalid(`body contains the forbidden key "${key}"`);
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
}
