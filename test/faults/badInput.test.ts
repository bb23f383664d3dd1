import 'reflect-metadata';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerConfig, FINAL_OUTCOMES, type OutcomeKind } from '@switchyard/core';
import { TestDaemon } from '@switchyard/core/testing';
import { OrderDaemon, ORDER } from '../../packages/core/test/support/fixtures.js';

let daemon: TestDaemon;
beforeAll(async () => {
  daemon = await TestDaemon.start(new OrderDaemon(), { argv: ['--set', 'consumer.maxBodyBytes=65536'] });
});
afterAll(() => daemon.stop());

const order = (fields: Record<string, unknown> = {}): string =>
  JSON.stringify({ mediaType: ORDER, id: 'o', quantity: 1, ...fields });
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const withBom = (text: string): Uint8Array => new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(text)]);
const MAX_KEYS = new ConsumerConfig().maxKeys;
const manyKeys = (count: number): string =>
  `{"mediaType":"${ORDER}","id":"o","quantity":1,${Array.from({ length: count }, (_, index) => `"k${index.toString(36)}":0`).join(',')}}`;
// A secret in bodies that are not JSON; no reason may quote any of them (issue 12: Node's
// JSON.parse quotes up to 20 characters of the body, all of it when shorter).
const SECRET = 'hunter2';
const LEAK = /hunter|password/;
// The longest reason an outcome may carry: attacker-sized text is cut (boundedText).
const MAX_REASON_BYTES = 4096;

// Each malformed input, and the outcome it must get. Reasons are checked to be non-empty, bounded
// and free of LEAK; where a pattern is given, the reason must match it.
const CORPUS: Array<[string, string | Uint8Array | null, Record<string, string>, OutcomeKind, RegExp?]> = [
  ['empty body', '', {}, 'dead-lettered'],
  ['whitespace', '   \n', {}, 'dead-lettered'],
  ['plain text', 'hello', {}, 'dead-lettered'],
  ['truncated JSON', '{"mediaType":', {}, 'dead-lettered'],
  ['JSON null', 'null', {}, 'dead-lettered'],
  ['JSON number', '42', {}, 'dead-lettered'],
  ['JSON string', '"text"', {}, 'dead-lettered'],
  ['JSON array', '[{"mediaType":"a/b"}]', {}, 'dead-lettered'],
  ['no media type', JSON.stringify({ id: 'o', quantity: 1 }), {}, 'dead-lettered'],
  ['media type a number', JSON.stringify({ mediaType: 5 }), {}, 'dead-lettered'],
  ['media type an object', JSON.stringify({ mediaType: { x: 1 } }), {}, 'dead-lettered'],
  ['media type without slash', JSON.stringify({ mediaType: 'order' }), {}, 'dead-lettered'],
  ['media type pattern', JSON.stringify({ mediaType: 'application/*' }), {}, 'dead-lettered'],
  ['media type with spaces', JSON.stringify({ mediaType: 'application/vnd test' }), {}, 'dead-lettered'],
  ['unknown media type', JSON.stringify({ mediaType: 'application/vnd.nobody.handles' }), {}, 'ignored'],
  ['attribute disagrees with body', order(), { media_type: 'application/vnd.other' }, 'dead-lettered'],
  ['wrong type: quantity a string', order({ quantity: 'two' }), {}, 'dead-lettered'],
  ['wrong type: id a number', order({ id: 7 }), {}, 'dead-lettered'],
  ['rule broken: quantity 0', order({ quantity: 0 }), {}, 'dead-lettered'],
  ['missing required field', JSON.stringify({ mediaType: ORDER, quantity: 1 }), {}, 'dead-lettered'],
  [
    '__proto__ key',
    `{"mediaType":"${ORDER}","id":"o","quantity":1,"__proto__":{"polluted":1}}`,
    {},
    'dead-lettered',
  ],
  ['escaped __proto__ key', `{"mediaType":"${ORDER}","\\u005f_proto__":{"polluted":1}}`, {}, 'dead-lettered'],
  ['constructor key', order({ constructor: { prototype: { polluted: 1 } } }), {}, 'dead-lettered'],
  ['nested prototype key', order({ extra: { prototype: 1 } }), {}, 'dead-lettered'],
  ['oversized body', order({ id: 'x'.repeat(70_000) }), {}, 'dead-lettered'],
  ['10k-deep nesting', `{"mediaType":"${ORDER}","deep":${nested(10_000)}}`, {}, 'dead-lettered'],
  ['invalid UTF-8', bytes(0x7b, 0xc3, 0x28, 0x7d), {}, 'dead-lettered'],
  ['lone surrogate bytes', bytes(0xed, 0xa0, 0x80), {}, 'dead-lettered'],
  ['opaqueData a string', order({ opaqueData: 'x' }), {}, 'dead-lettered'],
  ['opaqueData value an object', order({ opaqueData: { 'x-request-id': { a: 1 } } }), {}, 'dead-lettered'],
  ['hop count not a number', order({ opaqueData: { 'x-request-ttl': 'soon' } }), {}, 'dead-lettered'],
  ['hop count exhausted', order({ opaqueData: { 'x-request-ttl': '0' } }), {}, 'expired'],
  ['tombstone (no body)', null, {}, 'skipped'],
  ['huge attribute', order(), { 'x-huge': 'h'.repeat(100_000) }, 'succeeded'],
  [
    'many attributes',
    order(),
    Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`a${i}`, 'v'])),
    'succeeded',
  ],
  // Issue 12: inputs built to hurt, as foreign clients send them.
  ['content-type: application/json', order(), { 'content-type': 'application/json' }, 'succeeded'],
  [
    'generic content-type with parameters',
    order(),
    { 'content-type': 'Text/Plain; charset=utf-8' },
    'succeeded',
  ],
  [
    'content-type: application/octet-stream',
    order(),
    { 'content-type': 'application/octet-stream' },
    'succeeded',
  ],
  [
    'generic content-type beside media_type',
    JSON.stringify({ id: 'o', quantity: 1 }),
    { media_type: ORDER, 'content-type': 'application/json' },
    'succeeded',
  ],
  [
    'content-type naming the media type',
    JSON.stringify({ id: 'o', quantity: 1 }),
    { 'content-type': ORDER },
    'succeeded',
  ],
  [
    'content-type disagreeing with the body',
    order(),
    { 'content-type': 'application/vnd.other' },
    'dead-lettered',
    /disagrees/,
  ],
  ['BOM before a string body', `\uFEFF${order()}`, {}, 'succeeded'],
  ['BOM bytes before the body', withBom(order()), {}, 'succeeded'],
  ['two BOMs', `\uFEFF\uFEFF${order()}`, {}, 'dead-lettered', /not JSON \(at position 0\)/],
  ['form-encoded secret', `password=${SECRET}secret`, {}, 'dead-lettered', /not JSON \(at position 0\)/],
  ['short secret, once quoted whole', `${SECRET}x`, {}, 'dead-lettered', /not JSON \(at position 0\)/],
  [
    'secret after valid JSON',
    `{"mediaType":"${ORDER}"} ${SECRET}`,
    {},
    'dead-lettered',
    /not JSON \(at position \d+\)/,
  ],
  [
    'secret on a later line',
    `{\n"mediaType": "${ORDER}",\n${SECRET}: 1}`,
    {},
    'dead-lettered',
    /not JSON \(at position \d+, line 3 column 1\)/,
  ],
  [
    'truncated secret',
    `{"password":"${SECRET}`,
    {},
    'dead-lettered',
    /not JSON \(ends early, at position \d+\)/,
  ],
  ['maxKeys keys and items', manyKeys(MAX_KEYS - 3), {}, 'succeeded'],
  ['one key over maxKeys', manyKeys(MAX_KEYS - 2), {}, 'dead-lettered', /\(consumer\.maxKeys\)/],
  ['7,000 keys (under maxBodyBytes)', manyKeys(7_000), {}, 'dead-lettered', /\(consumer\.maxKeys\)/],
  [
    '30,000 array items',
    `{"mediaType":"${ORDER}","id":"o","quantity":1,"x":[${'0,'.repeat(30_000)}0]}`,
    {},
    'dead-lettered',
    /\(consumer\.maxKeys\)/,
  ],
  [
    '550 KB media type attribute',
    order(),
    { media_type: `application/${'x'.repeat(550_000)} y` },
    'dead-lettered',
    /is not a media type/,
  ],
  [
    '60 KB media type in the body',
    JSON.stringify({ mediaType: 'x'.repeat(60_000), id: 'o', quantity: 1 }),
    {},
    'dead-lettered',
    /bytes cut\)" is not a media type/,
  ],
  [
    '550 KB content-type disagreeing',
    order(),
    { 'content-type': `application/vnd.${'x'.repeat(550_000)}` },
    'dead-lettered',
    /disagrees/,
  ],
];

describe('bad input corpus (in-memory bus)', () => {
  it(`gives each of ${CORPUS.length} inputs its defined outcome with a reason, and keeps the daemon running`, async () => {
    let defined = 0;
    for (const [name, body, attributes, expected, pattern] of CORPUS) {
      const outcome = await daemon.sendRawAndWait(body, attributes);
      expect(outcome.kind, `${name}: ${outcome.reason}`).toBe(expected);
      if (expected !== 'succeeded') expect(outcome.reason, name).toMatch(/\S/);
      if (pattern !== undefined) expect(outcome.reason, name).toMatch(pattern);
      expect(outcome.reason ?? '', name).not.toMatch(LEAK);
      expect(Buffer.byteLength(outcome.reason ?? ''), name).toBeLessThanOrEqual(MAX_REASON_BYTES);
      // A neighbour right after it is unaffected.
      expect((await daemon.sendRawAndWait(order({ id: `after ${name}` }))).kind, name).toBe('succeeded');
      defined += 1;
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    process.stdout.write(
      `fault bad-input: ${CORPUS.length} malformed inputs, ${defined} defined outcomes, 0 crashes\n`,
    );
  });

  it('fuzzing the decode path: any bytes or JSON get a final outcome, and the daemon goes on', async () => {
    const body = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 200 }),
      fc.json(),
      fc
        .record({
          mediaType: fc.oneof(fc.constant(ORDER), fc.string()),
          id: fc.anything(),
          quantity: fc.anything(),
        })
        .map((value) => JSON.stringify(value)),
    );
    const attributes = fc.dictionary(
      fc.constantFrom('media_type', 'mediaType', 'content-type', 'x-other'),
      fc.string(),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(body, attributes, async (generated, attrs) => {
        const outcome = await daemon.sendRawAndWait(generated, attrs);
        runs += 1;
        return (
          FINAL_OUTCOMES.has(outcome.kind) &&
          (outcome.kind === 'succeeded' || (outcome.reason ?? '').length > 0)
        );
      }),
      { numRuns: 300 },
    );
    expect((await daemon.sendRawAndWait(order({ id: 'after fuzzing' }))).kind).toBe('succeeded');
    process.stdout.write(
      `fault fuzz: ${runs} generated inputs, all with a final outcome, daemon still consuming\n`,
    );
  });
});
