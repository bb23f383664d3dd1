import { describe, expect, it } from 'vitest';
import {
  isMediaTypePattern,
  isValidMediaType,
  matchesMediaType,
  normalizeMediaType,
} from '../src/messages/mediaType.js';

describe('normalizeMediaType', () => {
  it('lower-cases', () => {
    expect(normalizeMediaType('Application/Vnd.Acme.Order')).toBe('application/vnd.acme.order');
  });

  it('drops parameters and surrounding spaces', () => {
    expect(normalizeMediaType('  application/vnd.acme.order ; v=1; charset=utf-8')).toBe(
      'application/vnd.acme.order',
    );
  });

  it('keeps a trailing star', () => {
    expect(normalizeMediaType('APPLICATION/VND.ACME.*')).toBe('application/vnd.acme.*');
  });
});

describe('isMediaTypePattern', () => {
  it('is true only for text ending in *', () => {
    expect(isMediaTypePattern('application/vnd.acme.*')).toBe(true);
    expect(isMediaTypePattern('application/*')).toBe(true);
    expect(isMediaTypePattern('application/vnd.acme.order')).toBe(false);
  });

  it('ignores parameters', () => {
    expect(isMediaTypePattern('application/vnd.acme.*; v=1')).toBe(true);
    expect(isMediaTypePattern('application/vnd.acme.order; q=*')).toBe(false);
  });
});

describe('matchesMediaType', () => {
  it('an exact media type matches itself only', () => {
    expect(matchesMediaType('application/vnd.acme.order', 'application/vnd.acme.order')).toBe(true);
    expect(matchesMediaType('application/vnd.acme.order', 'application/vnd.acme.orders')).toBe(false);
    expect(matchesMediaType('application/vnd.acme.order', 'application/vnd.acme')).toBe(false);
  });

  it('a pattern matches every media type beginning with the part before the star', () => {
    expect(matchesMediaType('application/vnd.acme.*', 'application/vnd.acme.order')).toBe(true);
    expect(matchesMediaType('application/vnd.acme.*', 'application/vnd.acme.order.created')).toBe(true);
    expect(matchesMediaType('application/*', 'application/json')).toBe(true);
  });

  it('a pattern does not match other prefixes', () => {
    expect(matchesMediaType('application/vnd.acme.*', 'application/vnd.other.order')).toBe(false);
    expect(matchesMediaType('application/vnd.acme.*', 'application/vnd.acme')).toBe(false);
    expect(matchesMediaType('application/vnd.acme.*', 'text/vnd.acme.order')).toBe(false);
  });

  it('a star is only special at the end', () => {
    expect(matchesMediaType('application/vnd.*.order', 'application/vnd.acme.order')).toBe(false);
  });

  it('ignores case on both sides', () => {
    expect(matchesMediaType('Application/VND.Acme.Order', 'application/vnd.acme.ORDER')).toBe(true);
    expect(matchesMediaType('APPLICATION/VND.ACME.*', 'application/Vnd.Acme.Order')).toBe(true);
  });

  it('ignores parameters on both sides', () => {
    expect(matchesMediaType('application/vnd.acme.order; v=1', 'application/vnd.acme.order; v=2')).toBe(true);
    expect(matchesMediaType('application/vnd.acme.*', 'application/vnd.acme.order;v=3')).toBe(true);
  });
});

describe('isValidMediaType', () => {
  it.each([
    'application/json',
    'application/vnd.acme.order',
    'Application/Vnd.Acme+JSON',
    'application/vnd.acme.order; v=1',
  ])('%j is valid', (mediaType) => {
    expect(isValidMediaType(mediaType)).toBe(true);
  });

  it.each(['application/vnd.acme.*', 'application/*'])('the pattern %j is valid', (pattern) => {
    expect(isValidMediaType(pattern)).toBe(true);
  });

  it.each([
    '',
    'application',
    'application/',
    '/json',
    'application/json/x',
    'application/ json',
    '*/*',
    'appli cation/json',
  ])('%j is not valid', (mediaType) => {
    expect(isValidMediaType(mediaType)).toBe(false);
  });

  it.each([
    'application/vnd.*.order',
    'application/*json',
    'application/vnd.acme.*.*',
    'application/vnd.acme.**',
  ])('a star before the end is not valid: %j', (mediaType) => {
    expect(isValidMediaType(mediaType)).toBe(false);
  });
});
