import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon } from '../src/testing/index.js';
import { OrderBehaviour, OrderDaemon, ORDER } from './support/fixtures.js';

let daemon: TestDaemon;
beforeAll(async () => {
  daemon = await TestDaemon.start(new OrderDaemon(), { argv: ['--set', 'consumer.maxBodyBytes=30000'] });
});
afterAll(() => daemon.stop());

const valid = JSON.stringify({ mediaType: ORDER, id: 'ok', quantity: 1 });
const deep = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

// Each bad input, and the reason its dead letter must give.
const cases: Array<
  [name: string, body: string | Uint8Array, attributes: Record<string, string>, reason: RegExp]
> = [
  ['non-JSON', 'hello, world', {}, /not JSON/],
  ['JSON that is not an object', '[1,2,3]', {}, /not an object/],
  ['missing media type', JSON.stringify({ id: 'a', quantity: 1 }), {}, /no media type/],
  ['media type that is not a string', JSON.stringify({ mediaType: 7 }), {}, /not a string/],
  ['malformed media type', JSON.stringify({ mediaType: 'nope' }), {}, /not a media type/],
  ['attribute and body disagree', valid, { media_type: 'application/vnd.test.other' }, /disagrees/],
  [
    'schema violation: wrong type',
    JSON.stringify({ mediaType: ORDER, id: 'a', quantity: 'two' }),
    {},
    /quantity/,
  ],
  ['schema violation: missing field', JSON.stringify({ mediaType: ORDER, quantity: 1 }), {}, /id/],
  [
    '__proto__ key',
    `{"mediaType":"${ORDER}","id":"a","quantity":1,"__proto__":{"polluted":true}}`,
    {},
    /forbidden key "__proto__"/,
  ],
  [
    'constructor key',
    JSON.stringify({
      mediaType: ORDER,
      id: 'a',
      quantity: 1,
      constructor: { prototype: { polluted: true } },
    }),
    {},
    /forbidden key "constructor"/,
  ],
  [
    'oversized body',
    JSON.stringify({ mediaType: ORDER, id: 'x'.repeat(40_000), quantity: 1 }),
    {},
    /above the limit/,
  ],
  [
    'deeply nested JSON',
    `{"mediaType":"${ORDER}","id":"a","quantity":1,"deep":${deep(10_000)}}`,
    {},
    /deeper than 64/,
  ],
  ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), {}, /UTF-8/],
  [
    'opaqueData not an object',
    JSON.stringify({ mediaType: ORDER, id: 'a', quantity: 1, opaqueData: 'x' }),
    {},
    /opaqueData/,
  ],
  [
    'non-integer hop count',
    JSON.stringify({ mediaType: ORDER, id: 'a', quantity: 1, opaqueData: { 'x-request-ttl': 'soon' } }),
    {},
    /not an integer/,
  ],
];

describe('bad input', () => {
  it.each(cases)(
    '%s is dead-lettered with its reason, and the daemon goes on',
    async (_, body, attributes, reason) => {
      const outcome = await daemon.sendRawAndWait(body, attributes);
      expect(outcome.kind).toBe('dead-lettered');
      expect(outcome.reason).toMatch(reason);
      expect(daemon).toHaveDeadLettered(reason);
      expect((await daemon.sendRawAndWait(valid)).kind).toBe('succeeded');
    },
  );

  it('a tombstone (no body) is skipped with a reason', async () => {
    expect(await daemon.sendRawAndWait(null)).toMatchObject({
      kind: 'skipped',
      reason: expect.stringMatching(/tombstone/) as string,
    });
  });

  it('never pollutes Object.prototype', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('one bad message in a batch does not affect its neighbours', async () => {
    const behaviour = daemon.running.container.get(OrderBehaviour);
    const before = behaviour.seen.length;
    const bodies = Array.from({ length: 10 }, (_, index) =>
      index === 4 ? 'poison' : JSON.stringify({ mediaType: ORDER, id: `n-${index}`, quantity: 1 }),
    );
    const outcomes = await Promise.all(bodies.map((body) => daemon.sendRawAndWait(body)));
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(
      bodies.map((_, index) => (index === 4 ? 'dead-lettered' : 'succeeded')),
    );
    expect(behaviour.seen.length - before).toBe(9);
  });
});
