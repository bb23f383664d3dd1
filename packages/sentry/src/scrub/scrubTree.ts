import { isIdentifierKey, isSensitiveKey } from './sensitiveKeys.js';
import { isSecretNumber, REDACTED, redactSecrets } from './secretValues.js';

/**
 * `patterns`: keep values, but redact values under sensitive keys and secret-looking parts of
 * strings. `strict`: also redact every string and number not under an identifier key — for data
 * nobody chose to send, such as a stack frame's local variables or a request body.
 */
export type ScrubMode = 'patterns' | 'strict';

export const TRUNCATED = '[truncated]';
export const CIRCULAR = '[circular]';
export const UNREADABLE = '[unreadable]';

/** Deeper than any event the SDK builds (it normalises to depth 3 by default). */
export const MAX_DEPTH = 16;
/** Items kept per array and keys per object: the SDK's own limits are lower. */
export const MAX_ENTRIES = 1000;

/**
 * A scrubbed, JSON-safe copy of `value`. Total: never throws, whatever getters, proxies, cycles or
 * exotic values it meets — anything it cannot read becomes a marker rather than passing through.
 */
export function scrubTree(value: unknown, mode: ScrubMode, key = ''): unknown {
  return walk(value, mode, key, 0, new Set());
}

function walk(value: unknown, mode: ScrubMode, key: string, depth: number, ancestors: Set<object>): unknown {
  try {
    // Nothing to hide in a flag or an absence, even under a sensitive key (`password: null`).
    if (value === null || value === undefined || typeof value === 'boolean') return value;
    if (isIdentifierKey(key)) return scrubLeafKeepingIdentifiers(value, mode, depth, ancestors);
    if (isSensitiveKey(key)) return REDACTED;
    switch (typeof value) {
      case 'string':
        return mode === 'strict' && value !== '' ? REDACTED : redactSecrets(value);
      case 'number':
      case 'bigint':
        if (mode === 'strict' || isSecretNumber(value)) return REDACTED;
        return typeof value === 'bigint' ? value.toString() : value;
      case 'symbol':
      case 'function':
        return `[${typeof value}]`;
      case 'object':
        return walkObject(value, mode, depth, ancestors);
      case 'boolean':
      case 'undefined':
        return value; // handled above; listed so the switch stays exhaustive
    }
  } catch {
    return UNREADABLE;
  }
}

/** An identifier's value is kept when it is a scalar that does not look like a secret. */
function scrubLeafKeepingIdentifiers(
  value: unknown,
  mode: ScrubMode,
  depth: number,
  ancestors: Set<object>,
): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value === 'number' || typeof value === 'bigint')
    return isSecretNumber(value) ? REDACTED : typeof value === 'bigint' ? value.toString() : value;
  return walk(value, mode, '', depth, ancestors);
}

function walkObject(value: object, mode: ScrubMode, depth: number, ancestors: Set<object>): unknown {
  if (depth >= MAX_DEPTH) return TRUNCATED;
  if (ancestors.has(value)) return CIRCULAR;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return value.slice(0, MAX_ENTRIES).map((item: unknown) => walk(item, mode, '', depth + 1, ancestors));
    }
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? UNREADABLE : value.toISOString();
    const source = value instanceof Error ? { name: value.name, message: value.message } : value;
    const entries: Array<[string, unknown]> = [];
    const used = new Set<string>();
    for (const name of Object.keys(source).slice(0, MAX_ENTRIES)) {
      let child: unknown;
      try {
        child = (source as Record<string, unknown>)[name];
      } catch {
        child = UNREADABLE;
      }
      entries.push([uniqueKey(redactSecrets(name), used), walk(child, mode, name, depth + 1, ancestors)]);
    }
    // fromEntries defines own properties, so a `__proto__` key stays data rather than a prototype.
    return Object.fromEntries(entries);
  } finally {
    ancestors.delete(value);
  }
}

/** Two keys that were different secrets must not collapse into one `[redacted]` key. */
function uniqueKey(name: string, used: Set<string>): string {
  let unique = name;
  for (let suffix = 2; used.has(unique); suffix += 1) unique = `${name} ${suffix}`;
  used.add(unique);
  return unique;
}
