import 'reflect-metadata';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_OUTCOMES, type OutcomeKind } from '@switchyard/core';
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

// Each malformed input, and the outcome it must get. Reasons are checked to be non-empty.
const CORPUS: Array<[string, string | Uint8Array | null, Record<string, string>, OutcomeKind]> = [
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
];

describe('bad input corpus (in-memory bus)', () => {
  it(`gives each of ${CORPUS.length} inputs its defined outcome with a reason, and keeps the daemon running`, async () => {
    let defined = 0;
    for (const [name, body, attributes, expected] of CORPUS) {
      const outcome = await daemon.sendRawAndWait(body, attributes);
      expect(outcome.kind, name).toBe(expected);
      if (expected !== 'succeeded') expect(outcome.reason, name).toMatch(/\S/);
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
