import { describe, expect, it } from 'vitest';
import { apiJsonSchema, compareApiSchemas, type JsonSchema } from '../src/schema/index.js';
import { ExampleApi, ExampleApiOtherVersion } from './fixtures/exampleApi.js';
import { ShopApi } from './fixtures/schemaApi.js';
import { EdgeApi } from './fixtures/schemaEdgeApi.js';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- the tests edit schema documents (untyped JSON) freely */
type Doc = any;

const shop = (): Doc => JSON.parse(JSON.stringify(apiJsonSchema(ShopApi)));
const lines = (before: Record<string, JsonSchema>, after: Record<string, JsonSchema>): string[] =>
  compareApiSchemas(before, after).map(
    (change) => `${change.breaking ? 'BREAKING' : 'compatible'} ${change.path}: ${change.message}`,
  );
/** The changes from the shop API to a copy edited by `edit`. */
function changesAfter(edit: (doc: Doc) => void): string[] {
  const after = shop();
  edit(after);
  return lines({ shop: shop() }, { shop: after });
}
const order = (doc: Doc): Doc => doc.$defs.Order;
const shipped = (doc: Doc): Doc => doc.$defs.Shipped;

describe('schema check: what breaks and what does not', () => {
  it('the same schema: no change', () => {
    expect(changesAfter(() => {})).toEqual([]);
  });

  it('a parameter field removed breaks (callers still send it)', () => {
    expect(
      changesAfter((doc) => {
        delete order(doc).properties.note;
        order(doc).required = order(doc).required.filter((name: string) => name !== 'note');
      }),
    ).toEqual([
      'BREAKING shop.placeOrder.params.note: field removed (callers of the old version still send it; the server now drops it unread)',
    ]);
  });

  it('a required payload field removed breaks listeners; an optional result field removed does not', () => {
    expect(
      changesAfter((doc) => {
        delete shipped(doc).properties.carrier;
        shipped(doc).required = ['orderId'];
      }),
    ).toEqual(['BREAKING shop.shipped.payload.carrier: field removed (old clients require it)']);
    // Receipt is placeOrder's result and cancel's parameters: the same edit, read from both sides.
    expect(changesAfter((doc) => delete doc.$defs.Receipt.properties.points)).toEqual([
      'BREAKING shop.cancel.params.points: field removed (callers of the old version still send it; the server now drops it unread)',
      'compatible shop.placeOrder.result.points: optional field removed (old clients accept its absence)',
    ]);
  });

  it('a type narrowed or changed breaks parameters', () => {
    expect(changesAfter((doc) => (order(doc).properties.price.type = 'integer'))).toEqual([
      'BREAKING shop.placeOrder.params.price: type number → integer (callers of the old version may send what the server now refuses)',
    ]);
    expect(changesAfter((doc) => (order(doc).properties.code.type = 'number'))).toEqual([
      'BREAKING shop.placeOrder.params.code: type string → number (the old and new versions accept different values)',
    ]);
  });

  it('a type widened: compatible for parameters, breaking for a payload', () => {
    expect(changesAfter((doc) => (order(doc).properties.quantity.type = 'number'))).toEqual([
      'compatible shop.placeOrder.params.quantity: type integer → number (what old callers send still passes)',
    ]);
    expect(changesAfter((doc) => (shipped(doc).properties.orderId.type = ['number', 'string']))).toEqual([
      'BREAKING shop.shipped.payload.orderId: type string → number|string (old clients may receive what they refuse)',
    ]);
  });

  it('a new required parameter breaks; a new optional one, or a new required payload field, does not', () => {
    expect(
      changesAfter((doc) => {
        order(doc).properties.coupon = { type: 'string' };
        order(doc).required.push('coupon');
      }),
    ).toEqual([
      'BREAKING shop.placeOrder.params.coupon: new required field (callers of the old version do not send it)',
    ]);
    expect(changesAfter((doc) => (order(doc).properties.coupon = { type: ['string', 'null'] }))).toEqual([
      'compatible shop.placeOrder.params.coupon: new optional field',
    ]);
    expect(
      changesAfter((doc) => {
        shipped(doc).properties.weight = { type: 'number' };
        shipped(doc).required.push('weight');
      }),
    ).toEqual(['compatible shop.shipped.payload.weight: new field (old clients ignore it)']);
  });

  it('optional made required breaks parameters; required made optional breaks a payload', () => {
    expect(changesAfter((doc) => order(doc).required.push('gift'))).toEqual([
      'BREAKING shop.placeOrder.params.gift: optional field made required (callers of the old version may send what the server now refuses)',
    ]);
    expect(changesAfter((doc) => (shipped(doc).required = ['orderId']))).toEqual([
      'BREAKING shop.shipped.payload.carrier: required field made optional (old clients may receive what they refuse)',
    ]);
  });

  it('a constraint tightened breaks parameters, loosened passes; a payload the other way round', () => {
    expect(changesAfter((doc) => (order(doc).properties.code.maxLength = 5))).toEqual([
      'BREAKING shop.placeOrder.params.code: maxLength 8 → 5 (callers of the old version may send what the server now refuses)',
    ]);
    expect(changesAfter((doc) => (order(doc).properties.code.minLength = 1))).toEqual([
      'compatible shop.placeOrder.params.code: minLength 2 → 1 (what old callers send still passes)',
    ]);
    expect(changesAfter((doc) => (order(doc).properties.currency.pattern = '^[A-Z]{3,4}$'))).toEqual([
      'BREAKING shop.placeOrder.params.currency: pattern "^[A-Z]{3}$" → "^[A-Z]{3,4}$" (the old and new versions accept different values)',
    ]);
    expect(changesAfter((doc) => (shipped(doc).properties.orderId.maxLength = 36))).toEqual([
      'compatible shop.shipped.payload.orderId: maxLength 36 added (old clients accept what the server now sends)',
    ]);
    expect(changesAfter((doc) => delete order(doc).properties.tags.items.maxLength)).toEqual([
      'compatible shop.placeOrder.params.tags[]: maxLength 5 removed (what old callers send still passes)',
    ]);
  });

  it('an enum value removed breaks parameters; one added breaks a payload', () => {
    expect(changesAfter((doc) => (order(doc).properties.plan.enum = ['free']))).toEqual([
      'BREAKING shop.placeOrder.params.plan: enum value "pro" removed (callers of the old version may send what the server now refuses)',
    ]);
    expect(changesAfter((doc) => shipped(doc).properties.carrier.enum.push('drone'))).toEqual([
      'BREAKING shop.shipped.payload.carrier: enum value "drone" added (old clients may receive what they refuse)',
    ]);
  });

  it('null no longer accepted by an optional parameter breaks', () => {
    expect(changesAfter((doc) => (doc.$defs.Address.properties.zip.type = 'string'))).toEqual([
      'BREAKING shop.placeOrder.params.address.zip: null no longer accepted (callers of the old version may send what the server now refuses)',
      'BREAKING shop.placeOrder.params.others[].zip: null no longer accepted (callers of the old version may send what the server now refuses)',
    ]);
  });

  it('a recorded rule added tightens', () => {
    expect(
      changesAfter(
        (doc) =>
          (order(doc).properties.note['x-switchyard-rules'] = [{ rule: 'isUrl', constraints: [], why: 'x' }]),
      ),
    ).toEqual([
      'BREAKING shop.placeOrder.params.note: rule isUrl() added (callers of the old version may send what the server now refuses)',
    ]);
  });

  it('a self-referencing class is followed once per place, without looping', () => {
    expect(changesAfter((doc) => (doc.$defs.Category.properties.name.maxLength = 10))).toEqual([
      'BREAKING shop.placeOrder.params.category.name: maxLength 10 added (callers of the old version may send what the server now refuses)',
    ]);
  });

  it('methods, events and APIs removed break; new ones pass', () => {
    expect(changesAfter((doc) => delete doc.methods.cancel)).toEqual([
      'BREAKING shop.cancel: method removed (callers of the old version still call it)',
    ]);
    expect(changesAfter((doc) => delete doc.events.shipped)).toEqual([
      'BREAKING shop.shipped: event removed (its listeners wait for it)',
    ]);
    expect(
      changesAfter((doc) => {
        doc.methods.refund = { idempotent: false, params: { $ref: '#/$defs/Receipt' }, result: null };
        doc.events.refunded = { payload: { $ref: '#/$defs/Receipt' } };
      }),
    ).toEqual(['compatible shop.refund: new method', 'compatible shop.refunded: new event']);
    expect(lines({ shop: shop() }, {})).toEqual([
      'BREAKING shop: API removed (its callers and listeners are left without it)',
    ]);
    expect(lines({}, { shop: shop() })).toEqual(['compatible shop: new API']);
  });

  it("a method's idempotent flag removed breaks; a result removed breaks, a result added passes", () => {
    expect(changesAfter((doc) => (doc.methods.placeOrder.idempotent = false))).toEqual([
      'BREAKING shop.placeOrder: no longer idempotent (clients of the old version may retry it, and it would run twice)',
    ]);
    expect(changesAfter((doc) => (doc.methods.cancel.idempotent = true))).toEqual([
      'compatible shop.cancel: now idempotent',
    ]);
    expect(changesAfter((doc) => (doc.methods.placeOrder.result = null))).toEqual([
      'BREAKING shop.placeOrder.result: removed: the method returns nothing now (old clients expect a result)',
    ]);
    expect(changesAfter((doc) => (doc.methods.cancel.result = { $ref: '#/$defs/Shipped' }))).toEqual([
      'compatible shop.cancel.result: the method returns a result now (old clients ignore it)',
    ]);
  });

  it('each: the element is compared (one value or an array of them)', () => {
    expect(
      changesAfter((doc) => {
        const scores = order(doc).properties.scores;
        scores.else = { type: 'number' };
        scores.then.items = { type: 'number' };
      }),
    ).toEqual([
      'compatible shop.placeOrder.params.scores[]: type integer → number (what old callers send still passes)',
    ]);
    expect(
      changesAfter((doc) => (order(doc).properties.scores = { type: 'array', items: { type: 'integer' } })),
    ).toContain(
      'BREAKING shop.placeOrder.params.scores: type any → array (callers of the old version may send what the server now refuses)',
    );
  });

  it('a class that is not described: any change to it breaks, as it cannot be compared', () => {
    const before = { edge: apiJsonSchema(EdgeApi) };
    const after: Record<string, JsonSchema> = { edge: JSON.parse(JSON.stringify(before.edge)) as JsonSchema };
    (after['edge'] as Doc).$defs.Amount['x-switchyard-not-described'] =
      'Amount.value uses the rule "isNegative"';
    expect(lines(before, after)).toEqual([
      'BREAKING edge.pay.params: cannot be compared: not described (Amount.value uses the rule "isNegative") (the old and new versions accept different values)',
    ]);
    expect(lines(before, { edge: apiJsonSchema(EdgeApi) })).toEqual([]);
  });

  it('lists breaking changes first', () => {
    const changes = changesAfter((doc) => {
      order(doc).properties.code.minLength = 1;
      order(doc).properties.code.maxLength = 5;
    });
    expect(changes.map((line) => line.split(' ')[0])).toEqual(['BREAKING', 'compatible']);
  });

  it('from the classes: the example API against its other version', () => {
    const changes = lines(
      { example: apiJsonSchema(ExampleApi) },
      { example: apiJsonSchema(ExampleApiOtherVersion) },
    );
    expect(changes).toContain(
      'BREAKING example.count: method removed (callers of the old version still call it)',
    );
    expect(changes).toContain('BREAKING example.userRegistered: event removed (its listeners wait for it)');
    expect(changes).toContain('compatible example.newer: new method');
    expect(changes).toContain(
      'compatible example.helloWorld.params.name: maxLength 20 removed (what old callers send still passes)',
    );
    // Parameters travel as fields of the call: their class's media type is not on the wire.
    expect(
      changes.some((line) =>
        /^compatible example\.helloWorld\.params: media type .* \(not on the wire here/.test(line),
      ),
    ).toBe(true);
  });

  it("an event payload's media type changed breaks its listeners (they match events by it)", () => {
    expect(
      changesAfter(
        (doc) => (shipped(doc)['x-switchyard-media-type'] = 'application/vnd.test.schema.shipped.v2'),
      ),
    ).toEqual([
      'BREAKING shop.shipped.payload: media type "application/vnd.test.schema.shipped" → "application/vnd.test.schema.shipped.v2" (listeners of the old version match events by it)',
    ]);
    expect(
      changesAfter((doc) => (order(doc)['x-switchyard-media-type'] = 'application/vnd.test.schema.order.v2')),
    ).toEqual([
      'compatible shop.placeOrder.params: media type "application/vnd.test.schema.order" → "application/vnd.test.schema.order.v2" (not on the wire here: fields travel inside the envelope)',
    ]);
  });
});
