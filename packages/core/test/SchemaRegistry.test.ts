import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/errors/codes.js';
import { schema, schemaMediaType } from '../src/messages/schema.js';
import { SchemaRegistry } from '../src/messages/SchemaRegistry.js';
import { Invoice, Order } from './support/schemas.js';
import { thrownBy } from './support/thrownBy.js';

describe('@schema', () => {
  it('records the normalized media type on the class', () => {
    @schema('Application/Vnd.Test.Thing; v=2')
    class Thing {}
    expect(schemaMediaType(Thing)).toBe('application/vnd.test.thing');
  });

  it.each(['application/vnd.test.*', 'application/*', 'application/vnd.test.*; v=1'])(
    'refuses the pattern %j',
    (pattern) => {
      expect(thrownBy(() => schema(pattern)).code).toBe(ErrorCodes.DECORATOR_MISUSE);
    },
  );

  it.each(['', 'order', 'application/', 'application/vnd test'])(
    'refuses the invalid media type %j',
    (mediaType) => {
      expect(thrownBy(() => schema(mediaType)).code).toBe(ErrorCodes.DECORATOR_MISUSE);
    },
  );

  it('is not inherited by subclasses', () => {
    class SpecialOrder extends Order {}
    expect(schemaMediaType(SpecialOrder)).toBeUndefined();
  });
});

describe('SchemaRegistry', () => {
  it('finds a class by media type, ignoring case and parameters', () => {
    const registry = new SchemaRegistry([Order, Invoice]);
    expect(registry.find('application/vnd.test.order')).toBe(Order);
    expect(registry.find('APPLICATION/vnd.test.Invoice; v=1')).toBe(Invoice);
  });

  it('finds nothing for an unknown media type', () => {
    expect(new SchemaRegistry([Order]).find('application/vnd.test.invoice')).toBeUndefined();
  });

  it('lists its media types', () => {
    expect(new SchemaRegistry([Order, Invoice]).mediaTypes).toEqual([
      'application/vnd.test.order',
      'application/vnd.test.invoice',
    ]);
  });

  it('accepts the same class twice', () => {
    expect(new SchemaRegistry([Order, Order]).mediaTypes).toEqual(['application/vnd.test.order']);
  });

  it('two classes with one media type is SCHEMA_CONFLICT naming both', () => {
    @schema('application/vnd.test.order')
    class OtherOrder {}
    const error = thrownBy(() => new SchemaRegistry([Order, OtherOrder]));
    expect(error.code).toBe(ErrorCodes.SCHEMA_CONFLICT);
    expect(error.message).toContain('Order');
    expect(error.message).toContain('OtherOrder');
  });

  it('media types differing only in case or parameters conflict', () => {
    @schema('APPLICATION/VND.TEST.ORDER; v=2')
    class OrderV2 {}
    expect(thrownBy(() => new SchemaRegistry([Order, OrderV2])).code).toBe(ErrorCodes.SCHEMA_CONFLICT);
  });

  it('a class without @schema is DECORATOR_MISUSE naming it', () => {
    class Plain {}
    const error = thrownBy(() => new SchemaRegistry([Plain]));
    expect(error.code).toBe(ErrorCodes.DECORATOR_MISUSE);
    expect(error.message).toContain('Plain');
  });
});
