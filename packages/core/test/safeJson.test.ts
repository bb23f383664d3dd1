import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/errors/codes.js';
import { bodyToText, parseUntrustedJson, type JsonLimits } from '../src/messages/safeJson.js';
import { thrownBy } from './support/thrownBy.js';

const limits: JsonLimits = { maxBytes: 1_048_576, maxDepth: 64 };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('bodyToText', () => {
  it('returns a string body as it is', () => {
    expect(bodyToText('{"a":1}', limits)).toBe('{"a":1}');
  });

  it('decodes UTF-8 bytes', () => {
    expect(bodyToText(bytes('{"name":"Zoë"}'), limits)).toBe('{"name":"Zoë"}');
  });

  it('accepts a body of exactly maxBytes', () => {
    expect(bodyToText('12345', { ...limits, maxBytes: 5 })).toBe('12345');
  });

  it('refuses a body above maxBytes with MESSAGE_TOO_LARGE', () => {
    const error = thrownBy(() => bodyToText('123456', { ...limits, maxBytes: 5 }));
    expect(error.code).toBe(ErrorCodes.MESSAGE_TOO_LARGE);
    expect(error.message).toContain('6 bytes');
  });

  it('counts a string body in UTF-8 bytes, not characters', () => {
    // "éé" is 2 characters but 4 bytes.
    expect(thrownBy(() => bodyToText('éé', { ...limits, maxBytes: 3 })).code).toBe(
      ErrorCodes.MESSAGE_TOO_LARGE,
    );
  });

  it('refuses byte bodies above maxBytes', () => {
    expect(thrownBy(() => bodyToText(new Uint8Array(6), { ...limits, maxBytes: 5 })).code).toBe(
      ErrorCodes.MESSAGE_TOO_LARGE,
    );
  });

  it.each([
    ['a lone continuation byte', [0x7b, 0x80, 0x7d]],
    ['0xff', [0xff]],
    ['a truncated 2-byte sequence', [0x22, 0xc3]],
    ['an overlong encoding', [0xc0, 0xaf]],
  ])('refuses invalid UTF-8: %s', (_, invalid) => {
    const error = thrownBy(() => bodyToText(new Uint8Array(invalid), limits));
    expect(error.code).toBe(ErrorCodes.MESSAGE_INVALID);
    expect(error.message).toContain('UTF-8');
  });
});

describe('parseUntrustedJson', () => {
  it('parses a JSON object from text or bytes', () => {
    const expected = { mediaType: 'application/vnd.acme.order', items: [1, { id: 'a' }] };
    expect(parseUntrustedJson(JSON.stringify(expected), limits)).toEqual(expected);
    expect(parseUntrustedJson(bytes(JSON.stringify(expected)), limits)).toEqual(expected);
  });

  it.each(['', 'not json', '{"a":1', "{'a':1}", '{"a":1}}'])(
    'refuses non-JSON %j with MESSAGE_INVALID',
    (text) => {
      const error = thrownBy(() => parseUntrustedJson(text, limits));
      expect(error.code).toBe(ErrorCodes.MESSAGE_INVALID);
      expect(error.message).toContain('not JSON');
    },
  );

  it('checks the size before parsing', () => {
    expect(thrownBy(() => parseUntrustedJson('{"a":"long"}', { ...limits, maxBytes: 4 })).code).toBe(
      ErrorCodes.MESSAGE_TOO_LARGE,
    );
  });
});

describe('parseUntrustedJson: depth', () => {
  const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
  const nestedObjects = (depth: number): string => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

  it('accepts nesting of exactly maxDepth', () => {
    expect(() => parseUntrustedJson(nestedArrays(3), { ...limits, maxDepth: 3 })).not.toThrow();
    expect(() => parseUntrustedJson(nestedObjects(3), { ...limits, maxDepth: 3 })).not.toThrow();
  });

  it('refuses nesting one level deeper than maxDepth', () => {
    expect(thrownBy(() => parseUntrustedJson(nestedArrays(4), { ...limits, maxDepth: 3 })).code).toBe(
      ErrorCodes.MESSAGE_INVALID,
    );
    expect(
      thrownBy(() => parseUntrustedJson(nestedObjects(4), { ...limits, maxDepth: 3 })).message,
    ).toContain('deeper than 3');
  });

  it('scalars do not count as a level', () => {
    expect(parseUntrustedJson('{"a":{"b":1}}', { ...limits, maxDepth: 2 })).toEqual({ a: { b: 1 } });
  });

  it('refuses 10,000 nested arrays without overflowing the stack', () => {
    const error = thrownBy(() => parseUntrustedJson(nestedArrays(10_000), limits));
    expect(error.code).toBe(ErrorCodes.MESSAGE_INVALID);
    expect(error.message).toContain('deeper than 64');
  });

  it('refuses 10,000 nested objects without overflowing the stack', () => {
    const error = thrownBy(() => parseUntrustedJson(nestedObjects(10_000), limits));
    expect(error.code).toBe(ErrorCodes.MESSAGE_INVALID);
    expect(error.message).toContain('deeper than 64');
  });

  it('accepts 10,000 levels when maxDepth allows them', () => {
    expect(() => parseUntrustedJson(nestedArrays(10_000), { ...limits, maxDepth: 10_000 })).not.toThrow();
  });
});

describe('parseUntrustedJson: prototype pollution', () => {
  it.each([
    ['__proto__ at the top', '{"__proto__":{"polluted":true}}', '__proto__'],
    ['constructor at the top', '{"constructor":{"prototype":{"polluted":true}}}', 'constructor'],
    ['prototype nested', '{"a":{"b":{"prototype":1}}}', 'prototype'],
    ['__proto__ inside an array', '{"items":[{"ok":1},{"__proto__":{"polluted":true}}]}', '__proto__'],
    ['__proto__ written with a unicode escape', '{"\\u005f_proto__":{"polluted":true}}', '__proto__'],
  ])('refuses %s', (_, text, key) => {
    const error = thrownBy(() => parseUntrustedJson(text, limits));
    expect(error.code).toBe(ErrorCodes.MESSAGE_INVALID);
    expect(error.message).toContain(`"${key}"`);
  });

  it('never pollutes Object.prototype', () => {
    for (const text of ['{"__proto__":{"polluted":true}}', '{"\\u005f_proto__":{"polluted":true}}']) {
      expect(() => parseUntrustedJson(text, limits)).toThrow();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('allows the forbidden words as values and as parts of longer keys', () => {
    const text = '{"name":"__proto__","constructorName":"x","prototypes":["constructor"]}';
    expect(parseUntrustedJson(text, limits)).toEqual({
      name: '__proto__',
      constructorName: 'x',
      prototypes: ['constructor'],
    });
  });
});
