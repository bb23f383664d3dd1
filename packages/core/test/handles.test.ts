import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/errors/codes.js';
import { handles, handlesMetadata } from '../src/handlers/handles.js';
import { Invoice, Order } from './support/schemas.js';
import { thrownBy } from './support/thrownBy.js';

describe('@handles on classes', () => {
  it('records the schema media types and the schema classes', () => {
    @handles(Order, Invoice)
    class BillingHandler {
      handle(): void {}
    }
    expect(handlesMetadata(BillingHandler)).toEqual({
      mediaTypes: ['application/vnd.test.order', 'application/vnd.test.invoice'],
      schemas: [Order, Invoice],
    });
  });

  it('records media type strings normalized, without schemas', () => {
    @handles('Application/VND.Test.*; v=1', 'application/vnd.test.refund')
    class Auditor {
      handle(): void {}
    }
    expect(handlesMetadata(Auditor)).toEqual({
      mediaTypes: ['application/vnd.test.*', 'application/vnd.test.refund'],
      schemas: [],
    });
  });

  it('mixes schema classes and strings', () => {
    @handles(Order, 'application/vnd.other.*')
    class Mixed {
      handle(): void {}
    }
    expect(handlesMetadata(Mixed)).toEqual({
      mediaTypes: ['application/vnd.test.order', 'application/vnd.other.*'],
      schemas: [Order],
    });
  });

  it('is not inherited by subclasses', () => {
    @handles(Order)
    class Base {
      handle(): void {}
    }
    class Derived extends Base {}
    expect(handlesMetadata(Derived)).toBeUndefined();
  });
});

describe('handles() on functions', () => {
  it('returns the same function with the metadata attached', () => {
    const audit = async (): Promise<void> => {};
    const decorated = handles('application/vnd.test.*')(audit);
    expect(decorated).toBe(audit);
    expect(handlesMetadata(audit)).toEqual({ mediaTypes: ['application/vnd.test.*'], schemas: [] });
  });

  it('works with a schema class', () => {
    const onOrder = handles(Order)(() => undefined);
    expect(handlesMetadata(onOrder)?.schemas).toEqual([Order]);
  });
});

describe('handles misuse', () => {
  it('needs at least one type', () => {
    expect(thrownBy(() => handles()).code).toBe(ErrorCodes.DECORATOR_MISUSE);
  });

  it.each(['', 'order', 'application/', 'application/vnd test'])(
    'refuses the invalid media type %j',
    (type) => {
      const error = thrownBy(() => handles(type));
      expect(error.code).toBe(ErrorCodes.DECORATOR_MISUSE);
    },
  );

  it('refuses a class without @schema, naming it', () => {
    class NotASchema {}
    const error = thrownBy(() => handles(NotASchema));
    expect(error.code).toBe(ErrorCodes.DECORATOR_MISUSE);
    expect(error.message).toContain('NotASchema');
  });

  it('refuses a target that is neither a class nor a function', () => {
    expect(thrownBy(() => handles(Order)({})).code).toBe(ErrorCodes.DECORATOR_MISUSE);
  });
});

describe('handlesMetadata', () => {
  it('is undefined for undecorated targets and non-functions', () => {
    expect(handlesMetadata(class Plain {})).toBeUndefined();
    expect(handlesMetadata(() => undefined)).toBeUndefined();
    expect(handlesMetadata({})).toBeUndefined();
    expect(handlesMetadata(undefined)).toBeUndefined();
  });
});
