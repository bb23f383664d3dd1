import { createRequire } from 'node:module';
import { isEmail, isUUID } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { ApiCodec } from '../src/api/ApiCodec.js';
import { apiJsonSchema, sortKeys, type JsonSchema } from '../src/schema/index.js';
import { ExampleApi } from './fixtures/exampleApi.js';
import { ShopApi } from './fixtures/schemaApi.js';
import { EdgeApi } from './fixtures/schemaEdgeApi.js';

// ajv 8 is a dependency of the processor package (the root's ajv is 6, without draft 2020-12):
// resolve it as the processor does. Used by this test only.
interface Validator {
  (data: unknown): boolean;
}
interface Ajv {
  addSchema(schema: object, key: string): Ajv;
  addFormat(name: string, format: { validate: (value: string) => boolean }): Ajv;
  addKeyword(name: string): Ajv;
  getSchema(ref: string): Validator | undefined;
}
const Ajv2020 = (
  createRequire(new URL('../../processor/package.json', import.meta.url))('ajv/dist/2020') as {
    default: new (options: object) => Ajv;
  }
).default;

/** ajv over one API document, with the formats as validator's own functions (their verdicts are recorded rules). */
function validatorsOf(document: JsonSchema): (definition: string) => Validator {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true })
    .addFormat('email', { validate: (value) => isEmail(value) })
    .addFormat('uuid', { validate: (value) => isUUID(value) });
  for (const keyword of [
    'x-switchyard-api',
    'x-switchyard-media-type',
    'x-switchyard-rules',
    'methods',
    'events',
  ])
    ajv.addKeyword(keyword);
  ajv.addSchema(document, 'api');
  return (definition) => ajv.getSchema(`api#/$defs/${definition}`)!;
}

describe('apiJsonSchema: the example API', () => {
  const document = apiJsonSchema(ExampleApi);

  it('lists each method (params, result or null, idempotent) and each event payload as $refs', () => {
    const methods = document['methods'] as Record<string, JsonSchema>;
    expect(Object.keys(methods)).toEqual([...Object.keys(methods)].sort());
    expect(methods['helloWorld']).toEqual({
      idempotent: false,
      params: { $ref: '#/$defs/HelloParams' },
      result: { $ref: '#/$defs/Greeting' },
    });
    expect(methods['count']).toMatchObject({ result: null });
    expect(document['events']).toEqual({ userRegistered: { payload: { $ref: '#/$defs/UserRegistered' } } });
    expect(document['x-switchyard-api']).toBe('example');
    expect(document['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('maps the rules: HelloParams.name is a required string of 1 to 20 characters, Empty.note is optional', () => {
    const defs = document['$defs'] as Record<string, JsonSchema>;
    expect(defs['HelloParams']).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1, maxLength: 20 } },
      required: ['name'],
    });
    expect(defs['HelloParams']!['x-switchyard-media-type']).toMatch(/^application\/vnd\.test\./);
    expect(defs['Empty']).toMatchObject({ properties: { note: { type: ['string', 'null'] } } });
    expect(defs['Empty']!['required']).toBeUndefined();
  });

  it('is deterministic: the same text every time, keys sorted at every depth', () => {
    const text = JSON.stringify(document);
    expect(JSON.stringify(apiJsonSchema(ExampleApi))).toBe(text);
    expect(JSON.stringify(sortKeys(JSON.parse(text)))).toBe(text);
  });
});

describe('apiJsonSchema: every mapped rule (the shop fixture)', () => {
  const document = apiJsonSchema(ShopApi);
  const defs = document['$defs'] as Record<string, JsonSchema>;
  const order = (defs['Order']!['properties'] ?? {}) as Record<string, JsonSchema>;

  it('carries the idempotent flag and the media types', () => {
    expect((document['methods'] as Record<string, JsonSchema>)['placeOrder']).toMatchObject({
      idempotent: true,
    });
    expect(defs['Order']!['x-switchyard-media-type']).toBe('application/vnd.test.schema.order');
    expect(defs['Address']!['x-switchyard-media-type']).toBeUndefined(); // a nested class, not a @schema
  });

  it('maps types, bounds, lengths, enums, patterns, arrays and each to the nearest keywords', () => {
    expect(order['quantity']).toEqual({ type: 'integer', minimum: 1, maximum: 100 });
    expect(order['code']).toEqual({ type: 'string', minLength: 2, maxLength: 8 });
    expect(order['plan']).toEqual({ enum: ['free', 'pro'] });
    expect(order['level']).toEqual({ enum: ['High', 'Low', 0, 1] }); // class-validator accepts both sides
    expect(order['colour']).toEqual({ enum: ['green', 'red'] });
    expect(order['currency']).toEqual({ type: 'string', pattern: '^[A-Z]{3}$' });
    expect(order['note']).toEqual({ not: { enum: ['', null] } });
    expect(order['anything']).toEqual({ not: { type: 'null' } });
    expect(order['free']).toEqual({});
    expect(order['tags']).toEqual({
      type: 'array',
      minItems: 1,
      maxItems: 3,
      items: { type: 'string', minLength: 1, maxLength: 5 },
    });
    expect(order['scores']).toEqual({
      if: { type: 'array' },
      then: { type: 'array', items: { type: 'integer' } },
      else: { type: 'integer' },
    });
    expect(order['gift']).toEqual({ type: 'boolean', default: false });
  });

  it('makes nested @Type classes $defs, self-references included', () => {
    expect(order['address']).toEqual({ $ref: '#/$defs/Address' });
    expect(order['others']).toEqual({ type: 'array', items: { $ref: '#/$defs/Address' } });
    expect(order['category']).toEqual({ anyOf: [{ $ref: '#/$defs/Category' }, { type: 'null' }] });
    expect(defs['Category']!['properties']).toMatchObject({
      parent: { anyOf: [{ $ref: '#/$defs/Category' }, { type: 'null' }] },
    });
  });

  it('requires what class-validator refuses when missing: not optional, not @Allow or @ValidateNested alone, no initialiser', () => {
    expect(defs['Order']!['required']).toEqual([
      'anything',
      'code',
      'colour',
      'currency',
      'email',
      'id',
      'level',
      'note',
      'others',
      'placedAt',
      'plan',
      'price',
      'quantity',
      'scores',
      'status',
      'tags',
    ]);
  });

  it('records the rules JSON Schema cannot say exactly, with why, instead of dropping them', () => {
    const rules = (property: string) =>
      (order[property]!['x-switchyard-rules'] as Array<{ rule: string; constraints: unknown[] }>).map(
        ({ rule, constraints }) => ({ rule, constraints }),
      );
    expect(rules('price')).toEqual([{ rule: 'isNumber', constraints: [{ maxDecimalPlaces: 2 }] }]);
    expect(rules('placedAt')).toEqual([{ rule: 'isIso8601', constraints: [] }]);
    expect(rules('status')).toEqual([{ rule: 'matches', constraints: ['/^ok$/i'] }]);
    expect(rules('email')).toEqual([{ rule: 'isEmail', constraints: [] }]);
    expect(rules('id')).toEqual([{ rule: 'isUuid', constraints: [] }]);
    expect(order['status']).toMatchObject({ type: 'string' });
    expect(order['status']!['pattern']).toBeUndefined();
  });
});

describe('apiJsonSchema against class-validator: the schema accepts what the class accepts', () => {
  const document = apiJsonSchema(ShopApi);
  const validator = validatorsOf(document);
  const codec = ApiCodec.of(ShopApi);
  const placeOrder = codec.method('placeOrder');
  const classAccepts = async (fields: Record<string, unknown>): Promise<boolean> =>
    Promise.resolve(codec.decodeParams(placeOrder, fields)).then(
      () => true,
      () => false,
    );

  const valid: Record<string, unknown> = {
    id: '0f8b1c1e-52a4-4c4b-9a5e-3d2b8f1a6c70',
    email: 'ada@example.com',
    code: 'AB12',
    quantity: 3,
    price: 9.99,
    plan: 'pro',
    level: 1,
    colour: 'red',
    placedAt: '2024-05-01',
    currency: 'EUR',
    status: 'OK',
    note: 'x',
    anything: 0,
    tags: ['a', 'bc'],
    scores: [1, 2],
    address: { street: 'Main St' },
    others: [{ street: 'Elm', zip: null }],
    category: { name: 'books', parent: { name: 'media' } },
  };
  const samples: Array<[string, Record<string, unknown>]> = [
    ['the valid order', valid],
    ['with an unknown field (stripped, not refused)', { ...valid, extra: true }],
    [
      'without the fields that may be missing',
      { ...valid, address: undefined, category: undefined, free: undefined },
    ],
    ['a level by its name', { ...valid, level: 'High' }],
    ['scores as one integer', { ...valid, scores: 7 }],
    ['a null optional field', { ...valid, category: null }],
    ['gift given', { ...valid, gift: true }],
    ['id missing', { ...valid, id: undefined }],
    ['id not a uuid', { ...valid, id: 'nope' }],
    ['email not an email', { ...valid, email: 'ada' }],
    ['code too short', { ...valid, code: 'A' }],
    ['code too long', { ...valid, code: 'ABCDEFGHI' }],
    ['code a number', { ...valid, code: 12345 }],
    ['quantity 0', { ...valid, quantity: 0 }],
    ['quantity 101', { ...valid, quantity: 101 }],
    ['quantity 1.5', { ...valid, quantity: 1.5 }],
    ['price a string', { ...valid, price: '9.99' }],
    ['plan unknown', { ...valid, plan: 'gold' }],
    ['colour unknown', { ...valid, colour: 'blue' }],
    ['currency lower case', { ...valid, currency: 'eur' }],
    ['note empty', { ...valid, note: '' }],
    ['note null', { ...valid, note: null }],
    ['anything null', { ...valid, anything: null }],
    ['tags empty', { ...valid, tags: [] }],
    ['tags too many', { ...valid, tags: ['a', 'b', 'c', 'd'] }],
    ['a tag too long', { ...valid, tags: ['abcdef'] }],
    ['a tag a number', { ...valid, tags: [1] }],
    ['tags not an array', { ...valid, tags: 'a' }],
    ['a score not an integer', { ...valid, scores: [1, 2.5] }],
    ['scores as one string', { ...valid, scores: 'x' }],
    ['address without its street', { ...valid, address: {} }],
    ['address a string', { ...valid, address: 'Main St' }],
    ['address null', { ...valid, address: null }],
    ['others missing', { ...valid, others: undefined }],
    ['an other address with a long zip', { ...valid, others: [{ street: 'Elm', zip: '12345678901' }] }],
    ['a category parent without a name', { ...valid, category: { name: 'b', parent: {} } }],
    ['gift a string', { ...valid, gift: 'yes' }],
  ];

  it.each(samples)('%s: ajv and class-validator agree', async (_what, sample) => {
    const fields = JSON.parse(JSON.stringify(sample)) as Record<string, unknown>; // as it travels
    const accepted = await classAccepts(fields);
    expect(validator('Order')(fields)).toBe(accepted);
  });

  it('the samples include accepted and refused ones', async () => {
    const verdicts = await Promise.all(
      samples.map(([, sample]) =>
        classAccepts(JSON.parse(JSON.stringify(sample)) as Record<string, unknown>),
      ),
    );
    expect(verdicts.filter(Boolean).length).toBeGreaterThanOrEqual(5);
    expect(verdicts.filter((verdict) => !verdict).length).toBeGreaterThanOrEqual(20);
  });

  it.each([
    ['price with three decimals', 'price', 9.999],
    ['placedAt not a date', 'placedAt', 'yesterday'],
    ['status not ok in any case', 'status', 'nope'],
  ])('%s: a recorded rule, so the schema accepts what the class refuses', async (_what, property, value) => {
    const fields = { ...(JSON.parse(JSON.stringify(valid)) as Record<string, unknown>), [property]: value };
    expect(await classAccepts(fields)).toBe(false);
    expect(validator('Order')(fields)).toBe(true);
    const properties = (document['$defs'] as Record<string, JsonSchema>)['Order']!['properties'] as Record<
      string,
      JsonSchema
    >;
    expect(properties[property]!['x-switchyard-rules']).toBeDefined();
  });
});

describe('apiJsonSchema: edge cases', () => {
  const document = apiJsonSchema(EdgeApi);
  const defs = document['$defs'] as Record<string, JsonSchema>;

  it('two classes of one name: the second met is Name_2', () => {
    // Methods are read in name order: mine's params (the shop's Receipt) come first.
    expect((document['methods'] as Record<string, JsonSchema>)['mine']).toEqual({
      idempotent: false,
      params: { $ref: '#/$defs/Receipt' },
      result: { $ref: '#/$defs/Receipt_2' },
    });
    expect(defs['Receipt']!['x-switchyard-media-type']).toBe('application/vnd.test.schema.receipt');
    expect(defs['Receipt_2']!['x-switchyard-media-type']).toBe('application/vnd.test.schema.edge-receipt');
  });

  it('a class compiled validation cannot read: an object with the reason, not a guess', () => {
    expect(defs['Amount']).toEqual({
      type: 'object',
      'x-switchyard-media-type': 'application/vnd.test.schema.edge-amount',
      'x-switchyard-not-described': expect.stringMatching(
        /Amount\.value uses the rule "isPositive"/,
      ) as unknown,
    });
  });
});
