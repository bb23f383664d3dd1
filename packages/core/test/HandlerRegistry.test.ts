import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/errors/codes.js';
import { SwitchyardError } from '../src/errors/SwitchyardError.js';
import { HandlerRegistry, type BoundHandler } from '../src/handlers/HandlerRegistry.js';

const handler = (name: string, mediaType: string): BoundHandler => ({
  name,
  mediaType,
  invoke: () => undefined,
});

const order = handler('OrderHandler', 'application/vnd.acme.order');
const acme = handler('AcmeAuditor', 'application/vnd.acme.*');
const acmeOrders = handler('AcmeOrderAuditor', 'application/vnd.acme.order.*');
const anyApplication = handler('CatchAll', 'application/*');

describe('HandlerRegistry.find', () => {
  it('finds the handler of an exact media type', () => {
    expect(new HandlerRegistry([order]).find('application/vnd.acme.order')).toBe(order);
  });

  it('ignores case and parameters of the media type looked up', () => {
    expect(new HandlerRegistry([order]).find('Application/VND.Acme.Order; v=1')).toBe(order);
  });

  it('finds a pattern handler for a matching media type', () => {
    expect(new HandlerRegistry([acme]).find('application/vnd.acme.invoice')).toBe(acme);
  });

  it('finds nothing when no handler matches', () => {
    const registry = new HandlerRegistry([order, acme]);
    expect(registry.find('application/vnd.other.order')).toBeUndefined();
    expect(registry.find('application/vnd.acme')).toBeUndefined();
  });

  it('an exact media type beats a pattern, whatever the order of registration', () => {
    expect(new HandlerRegistry([acme, anyApplication, order]).find('application/vnd.acme.order')).toBe(order);
    expect(new HandlerRegistry([order, acme, anyApplication]).find('application/vnd.acme.order')).toBe(order);
  });

  it('the longest matching pattern wins, whatever the order of registration', () => {
    const media = 'application/vnd.acme.order.created';
    expect(new HandlerRegistry([anyApplication, acme, acmeOrders]).find(media)).toBe(acmeOrders);
    expect(new HandlerRegistry([acmeOrders, acme, anyApplication]).find(media)).toBe(acmeOrders);
    expect(new HandlerRegistry([anyApplication, acme]).find(media)).toBe(acme);
  });

  it('a shorter pattern still handles what the longer one does not match', () => {
    const registry = new HandlerRegistry([anyApplication, acme, acmeOrders]);
    expect(registry.find('application/vnd.acme.invoice')).toBe(acme);
    expect(registry.find('application/json')).toBe(anyApplication);
  });

  it('answers the same for repeated lookups', () => {
    const registry = new HandlerRegistry([order, acme]);
    for (let i = 0; i < 3; i += 1) {
      expect(registry.find('application/vnd.acme.order')).toBe(order);
      expect(registry.find('application/vnd.acme.invoice')).toBe(acme);
      expect(registry.find('text/plain')).toBeUndefined();
    }
  });
});

describe('HandlerRegistry conflicts', () => {
  it('two handlers for one media type is HANDLER_CONFLICT naming both', () => {
    const second = handler('OtherOrderHandler', 'application/vnd.acme.order');
    let error: unknown;
    try {
      new HandlerRegistry([order, second]);
    } catch (caught) {
      error = caught;
    }
    expect(SwitchyardError.isCode(error, ErrorCodes.HANDLER_CONFLICT)).toBe(true);
    expect((error as Error).message).toContain('application/vnd.acme.order');
    expect((error as Error).message).toContain('OrderHandler');
    expect((error as Error).message).toContain('OtherOrderHandler');
  });

  it('two handlers for one pattern is HANDLER_CONFLICT', () => {
    expect(() => new HandlerRegistry([acme, handler('Other', 'application/vnd.acme.*')])).toThrow(
      expect.objectContaining({ code: ErrorCodes.HANDLER_CONFLICT }),
    );
  });

  it('an exact media type and a pattern covering it do not conflict', () => {
    expect(() => new HandlerRegistry([order, acme, acmeOrders, anyApplication])).not.toThrow();
  });
});

describe('HandlerRegistry.all', () => {
  it('lists every handler once', () => {
    const all = new HandlerRegistry([acme, order, anyApplication]).all;
    expect(all).toHaveLength(3);
    expect(new Set(all)).toEqual(new Set([acme, order, anyApplication]));
  });
});
