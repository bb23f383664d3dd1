import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/errors/codes.js';
import {
  bodyToText,
  checkShape,
  DEFAULT_MAX_KEYS,
  parseUntrustedJson,
  precheckShape,
  type JsonLimits,
} from '../src/messages/safeJson.js';
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
    // 9,999 arrays inside the root: above the default maxKeys, so that is raised too.
    expect(() =>
      parseUntrustedJson(nestedArrays(10_000), { ...limits, maxDepth: 10_000, maxKeys: 10_000 }),
    ).not.toThrow();
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

describe('parseUntrustedJson: node count (consumer.maxKeys)', () => {
  // Short keys ("0" … "255r"), as an attacker would send them: 100,000 of them make 852 KB.
  const flat = (keys: number): string =>
    JSON.stringify(Object.fromEntries(Array.from({ length: keys }, (_, index) => [index.toString(36), 0])));
  const items = (count: number): string => JSON.stringify(Array.from({ length: count }, () => 0));
  // Object keys plus array items at every level, the root not counted: what maxKeys bounds.
  const nodesOf = (value: unknown): number => {
    if (typeof value !== 'object' || value === null) return 0;
    const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
    return children.reduce((sum: number, child) => sum + 1 + nodesOf(child), 0);
  };

  it.each([
    ['keys of one object', flat],
    ['items of one array', items],
  ])('accepts exactly maxKeys %s and refuses one more', (_, body) => {
    expect(() => parseUntrustedJson(body(100), { ...limits, maxKeys: 100 })).not.toThrow();
    const error = thrownBy(() => parseUntrustedJson(body(101), { ...limits, maxKeys: 100 }));
    expect(error.code).toBe(ErrorCodes.MESSAGE_INVALID);
    expect(error.message).toBe('body has more than 100 keys and items (consumer.maxKeys)');
  });

  it('counts keys and items at every level, the root not included', () => {
    const text = '{"a":[1,{"b":2},[3]],"c":{"d":null}}'; // a c | 1 {} [] | b | 3 | d = 8
    expect(parseUntrustedJson(text, { ...limits, maxKeys: 8 })).toEqual(JSON.parse(text));
    expect(thrownBy(() => parseUntrustedJson(text, { ...limits, maxKeys: 7 })).message).toContain(
      'more than 7 keys and items',
    );
  });

  it('property: any JSON value passes with maxKeys = its node count and fails with one less', () => {
    const value = fc
      .jsonValue({ maxDepth: 6 })
      .filter((json) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(json)));
    fc.assert(
      fc.property(value, (json) => {
        const text = JSON.stringify(json);
        const nodes = nodesOf(JSON.parse(text));
        expect(() => parseUntrustedJson(text, { ...limits, maxKeys: Math.max(nodes, 1) })).not.toThrow();
        if (nodes > 1) {
          expect(
            thrownBy(() => parseUntrustedJson(text, { ...limits, maxKeys: nodes - 1 })).message,
          ).toContain('(consumer.maxKeys)');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('counts a key written twice twice in a long body, as JSON.parse works on each', () => {
    const text = `{${'"a":0,'.repeat(50)}"a":0}`; // one key once parsed, 51 as written
    expect(parseUntrustedJson(text, { ...limits, maxKeys: 51 })).toEqual({ a: 0 });
    expect(thrownBy(() => parseUntrustedJson(text, { ...limits, maxKeys: 50 })).message).toContain(
      'more than 50',
    );
  });

  it('does not count what is inside strings', () => {
    const text =
      JSON.stringify({ a: '[1,2,{"b":3}]', c: ['\\"', ',:[{', '\\'], d: '\\\\"]' }) + ' '.repeat(50);
    expect(parseUntrustedJson(text, { ...limits, maxKeys: 6 })).toEqual(JSON.parse(text));
    expect(thrownBy(() => parseUntrustedJson(text, { ...limits, maxKeys: 5 })).message).toContain(
      'more than 5',
    );
  });

  // Long bodies are counted on the text before JSON.parse builds them, and the value is walked
  // after: both must agree with each other and with a reference count, whatever the spacing and the
  // characters in strings; the limits are picked at the body's own count and depth, and one below.
  it('property: the count before parsing and the walk after it refuse the same bodies', () => {
    const depthOf = (value: unknown): number => {
      if (typeof value !== 'object' || value === null) return 0;
      const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
      return 1 + Math.max(0, ...children.map(depthOf));
    };
    const value = fc
      .jsonValue({ maxDepth: 6 })
      .filter((json) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(json)));
    const space = fc.constantFrom(undefined, 0, 1, '\t', ' \n ');
    fc.assert(
      fc.property(
        value,
        space,
        fc.integer({ min: -1, max: 0 }),
        fc.integer({ min: -1, max: 1 }),
        (json, indent, keysOff, depthOff) => {
          const maxKeys = Math.max(1, nodesOf(json) + keysOff);
          const maxDepth = Math.max(1, depthOf(json) + depthOff);
          // Trailing spaces: long enough to be counted before parsing.
          const text = JSON.stringify(json, null, indent) + ' '.repeat(2 * maxKeys + 3);
          const refused = (run: () => unknown): boolean => {
            try {
              run();
              return false;
            } catch {
              return true;
            }
          };
          const expected = nodesOf(json) > maxKeys || depthOf(json) > maxDepth;
          expect(refused(() => precheckShape(text, maxDepth, maxKeys))).toBe(expected);
          expect(refused(() => checkShape(JSON.parse(text), { maxDepth, maxKeys }))).toBe(expected);
          expect(refused(() => parseUntrustedJson(text, { ...limits, maxDepth, maxKeys }))).toBe(expected);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it(`defaults to ${DEFAULT_MAX_KEYS} when the limits do not say`, () => {
    const { maxBytes, maxDepth } = limits;
    expect(() => parseUntrustedJson(flat(DEFAULT_MAX_KEYS), { maxBytes, maxDepth })).not.toThrow();
    expect(
      thrownBy(() => parseUntrustedJson(flat(DEFAULT_MAX_KEYS + 1), { maxBytes, maxDepth })).message,
    ).toContain(`more than ${DEFAULT_MAX_KEYS} keys`);
  });

  it('refuses 100,000 keys (the 852 KB body that blocked the event loop for 10 s)', () => {
    expect(flat(100_000).length).toBeLessThan(limits.maxBytes);
    expect(thrownBy(() => parseUntrustedJson(flat(100_000), limits)).message).toContain('(consumer.maxKeys)');
  });

  // Operation counts, not time: the walk reads each node a bounded number of times (linear), and
  // stops reading at the bound. A Proxy counts every trap the shape check triggers on the value
  // (parseUntrustedJson runs the same checkShape on what JSON.parse returns).
  describe('work of the shape check', () => {
    const counted = (root: unknown): { value: unknown; operations: () => number } => {
      let operations = 0;
      const wrap = (value: unknown): unknown => {
        if (typeof value !== 'object' || value === null) return value;
        const count = (): void => {
          operations += 1;
        };
        const handler: ProxyHandler<object> = {
          get: (target, key, receiver) => (count(), wrap(Reflect.get(target, key, receiver))),
          has: (target, key) => (count(), Reflect.has(target, key)),
          ownKeys: (target) => (count(), Reflect.ownKeys(target)),
          getOwnPropertyDescriptor: (target, key) => (count(), Reflect.getOwnPropertyDescriptor(target, key)),
        };
        return new Proxy(value, handler);
      };
      return { value: wrap(root), operations: () => operations };
    };
    const parseValue = (value: unknown, maxKeys: number): void => checkShape(value, { ...limits, maxKeys });
    const wide = (size: number): unknown => ({
      items: Array.from({ length: size }, (_, index) => ({ id: index, tags: ['a', 'b'] })),
      index: Object.fromEntries(Array.from({ length: size }, (_, index) => [`k${index}`, { n: index }])),
    });
    const nodes = (size: number): number => 2 + size * 5 + size * 2;

    it('is linear: operations per node stay the same as the body grows', () => {
      const perNode = [1_000, 4_000, 16_000].map((size) => {
        const { value, operations } = counted(wide(size));
        parseValue(value, Number.MAX_SAFE_INTEGER);
        return operations() / nodes(size);
      });
      for (const ratio of perNode) expect(ratio).toBeLessThan(4);
      expect(Math.max(...perNode) / Math.min(...perNode)).toBeLessThan(1.1);
    });

    it('stops at the bound: a huge array costs what maxKeys allows, not what it holds', () => {
      const { value, operations } = counted({ items: Array.from({ length: 100_000 }, () => ({ a: 1 })) });
      expect(() => parseValue(value, 1_000)).toThrow('more than 1000 keys and items');
      expect(operations()).toBeLessThan(100);
    });
  });
});

describe('parseUntrustedJson: syntax errors say where, never what', () => {
  const messageFor = (text: string | Uint8Array): string =>
    thrownBy(() => parseUntrustedJson(text, limits)).message;

  it.each([
    ['password=hunter2', 'body is not JSON (at position 0)'],
    ['token: s3cr3t-42', 'body is not JSON (at position 1)'], // "t" could start true,
    ['{"user":secret1}', 'body is not JSON (at position 8)'],
    ['[1,2,3,]', 'body is not JSON (at position 7)'],
    ['{"a":nulx}', 'body is not JSON (at position 8)'],
    ['', 'body is not JSON (ends early, at position 0)'],
    ['{"a":[1,2', 'body is not JSON (ends early, at position 9)'],
    ['{"a":1}x', 'body is not JSON (at position 7)'],
    ['{\n  "a": 1,\n  oops\n}', 'body is not JSON (at position 14, line 3 column 3)'],
  ])('%j → %s', (text, expected) => {
    expect(messageFor(text)).toBe(expected);
  });

  it('long bodies: the position of the error, wherever it is, and nothing of the text', () => {
    const secret = 'password=hunter2&api_key=AKIA0123456789ABCDEF&user=alice';
    const start = `${secret}${' padding'.repeat(100)}`;
    expect(messageFor(start)).toBe('body is not JSON (at position 0)');
    const middle = `{"note":"${'x'.repeat(500)}",${secret}:1,"tail":"${'y'.repeat(500)}"}`;
    expect(messageFor(middle)).toBe(`body is not JSON (at position ${middle.indexOf(secret)})`);
    const end = `{"note":"${'x'.repeat(500)}","p":${secret}}`;
    expect(messageFor(end)).toBe(`body is not JSON (at position ${end.indexOf(secret)})`);
    const lines = `{\n${'  "k": 1,\n'.repeat(1_000)}  ${secret}\n}`;
    expect(messageFor(lines)).toBe(
      `body is not JSON (at position ${lines.indexOf(secret)}, line 1002 column 3)`,
    );
  });

  // Every message the not-JSON path can produce, numbers replaced by 0.
  const TEMPLATES = [
    'body is not JSON (at position 0)',
    'body is not JSON (at position 0, line 0 column 0)',
    'body is not JSON (ends early, at position 0)',
  ].join('\n');
  const digitsAsZero = (text: string): string => text.replace(/\d+/g, '0');
  /** 4+ character pieces of the body found in the message but in no template: quoted body text. */
  const leaked = (body: string, message: string): string[] => {
    const pieces = new Set<string>();
    for (let index = 0; index + 4 <= body.length; index += 1) {
      const piece = body.slice(index, index + 4);
      if (message.includes(piece) && !TEMPLATES.includes(digitsAsZero(piece))) pieces.add(piece);
    }
    return [...pieces];
  };
  const isJson = (text: string): boolean => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  };
  // Random text, and JSON broken by one inserted character (errors in the middle and at the end).
  const nonJson = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.string({ minLength: 20, maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc
        .tuple(
          fc.json({ maxDepth: 3 }),
          fc.nat(),
          fc.constantFrom('x', ':', ',', '}', ']', '"', '\\', '\u0001', 'tru'),
        )
        .map(
          ([json, at, extra]) =>
            json.slice(0, at % (json.length + 1)) + extra + json.slice(at % (json.length + 1)),
        ),
    )
    .filter((text) => !isJson(text) && !isJson(text.replace(/^\uFEFF/, '')));

  it('property: the reason quotes no piece of a non-JSON body, as text or as bytes', () => {
    fc.assert(
      fc.property(nonJson, (text) => {
        for (const body of [text, new TextEncoder().encode(text)]) {
          const error = thrownBy(() => parseUntrustedJson(body, limits));
          expect(error.code).toBe(ErrorCodes.MESSAGE_INVALID);
          if (error.message.startsWith('body is not valid UTF-8')) continue; // lone surrogates
          expect(leaked(text.replace(/^\uFEFF/, ''), error.message)).toEqual([]);
          expect(error.message).toMatch(
            /^body is not JSON \((at|ends early, at) position \d+(, line \d+ column \d+)?\)$/,
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  // Where V8's own message pins the position (it states it, or quotes the start or the end of the
  // body), the position given is the same.
  const v8Position = (text: string): number | undefined => {
    try {
      JSON.parse(text);
      return undefined;
    } catch (error) {
      const message = (error as Error).message;
      const stated = /at position (\d+)/.exec(message);
      if (stated !== null) return Number(stated[1]);
      if (message === 'Unexpected end of JSON input') return text.length;
      const start = /^Unexpected token .{1,2}, "([\s\S]*)"\.\.\. is not valid JSON$/.exec(message);
      if (start !== null && !message.includes(', ..."')) return start[1]!.length - 10;
      const end = /^Unexpected token .{1,2}, \.\.\."([\s\S]*)" is not valid JSON$/.exec(message);
      if (end !== null) return text.length - end[1]!.length + 10;
      return undefined;
    }
  };

  it('property: the position is the one JSON.parse found', () => {
    fc.assert(
      fc.property(nonJson, (text) => {
        const expected = v8Position(text);
        fc.pre(expected !== undefined && !text.startsWith('\uFEFF'));
        const position = /position (\d+)/.exec(thrownBy(() => parseUntrustedJson(text, limits)).message);
        expect(Number(position?.[1])).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('bodyToText / parseUntrustedJson: byte order mark', () => {
  const BOM_BYTES = [0xef, 0xbb, 0xbf];
  const withBom = (text: string): Uint8Array => new Uint8Array([...BOM_BYTES, ...bytes(text)]);

  it('drops one leading BOM from a string body and from a byte body alike', () => {
    expect(bodyToText('\uFEFF{"a":1}', limits)).toBe('{"a":1}');
    expect(bodyToText(withBom('{"a":1}'), limits)).toBe('{"a":1}');
    expect(parseUntrustedJson('\uFEFF{"a":1}', limits)).toEqual({ a: 1 });
    expect(parseUntrustedJson(withBom('{"a":1}'), limits)).toEqual({ a: 1 });
  });

  it('drops only one: a second BOM is an error at position 0 on both', () => {
    expect(thrownBy(() => parseUntrustedJson('\uFEFF\uFEFF{}', limits)).message).toBe(
      'body is not JSON (at position 0)',
    );
    expect(
      thrownBy(() => parseUntrustedJson(new Uint8Array([...BOM_BYTES, ...withBom('{}')]), limits)).message,
    ).toBe('body is not JSON (at position 0)');
  });

  it('a body that is only a BOM is empty on both', () => {
    expect(thrownBy(() => parseUntrustedJson('\uFEFF', limits)).message).toBe(
      'body is not JSON (ends early, at position 0)',
    );
    expect(thrownBy(() => parseUntrustedJson(new Uint8Array(BOM_BYTES), limits)).message).toBe(
      'body is not JSON (ends early, at position 0)',
    );
  });

  it('keeps a U+FEFF that is not at the start', () => {
    expect(parseUntrustedJson('{"a":"\uFEFFx"}', limits)).toEqual({ a: '\uFEFFx' });
    expect(parseUntrustedJson(bytes('{"a":"\uFEFFx"}'), limits)).toEqual({ a: '\uFEFFx' });
  });

  it('counts the BOM in the body size, as received', () => {
    expect(thrownBy(() => bodyToText('\uFEFF{}', { ...limits, maxBytes: 4 })).code).toBe(
      ErrorCodes.MESSAGE_TOO_LARGE,
    );
    expect(thrownBy(() => bodyToText(withBom('{}'), { ...limits, maxBytes: 4 })).code).toBe(
      ErrorCodes.MESSAGE_TOO_LARGE,
    );
    expect(bodyToText(withBom('{}'), { ...limits, maxBytes: 5 })).toBe('{}');
  });
});
