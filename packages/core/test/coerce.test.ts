import { describe, expect, it } from 'vitest';
import { coerce, describeType } from '../src/config/coerce.js';

describe('coerce to Number', () => {
  it.each([
    ['30', 30],
    [' 2.5 ', 2.5],
    ['-1', -1],
    ['0', 0],
  ])('%j → %j', (text, expected) => {
    expect(coerce(text, Number)).toBe(expected);
  });

  it.each(['', '   ', 'thirty', '3 0', 'Infinity', 'NaN'])('%j is not a number', (text) => {
    expect(coerce(text, Number)).toBeUndefined();
  });
});

describe('coerce to Boolean', () => {
  it.each(['true', 'TRUE', '1', 'yes', 'on', ' On '])('%j → true', (text) => {
    expect(coerce(text, Boolean)).toBe(true);
  });

  it.each(['false', 'False', '0', 'no', 'off'])('%j → false', (text) => {
    expect(coerce(text, Boolean)).toBe(false);
  });

  it.each(['maybe', '2', 'truthy'])('%j is not a boolean', (text) => {
    expect(coerce(text, Boolean)).toBeUndefined();
  });
});

describe('coerce to Array', () => {
  it('splits on commas and trims each item', () => {
    expect(coerce('a, b ,c', Array)).toEqual(['a', 'b', 'c']);
  });

  it('a single item is a one-element list', () => {
    expect(coerce('x-request-id', Array)).toEqual(['x-request-id']);
  });

  it('empty text is an empty list', () => {
    expect(coerce('  ', Array)).toEqual([]);
  });
});

describe('coerce to Object', () => {
  it('parses a JSON object', () => {
    expect(coerce('{"a":1,"b":{"c":true}}', Object)).toEqual({ a: 1, b: { c: true } });
  });

  it.each(['[1,2]', '"text"', '42', 'null', '{not json'])('%j is not a JSON object', (text) => {
    expect(coerce(text, Object)).toBeUndefined();
  });
});

describe('coerce to String (or unknown type)', () => {
  it('returns the text unchanged, spaces included', () => {
    expect(coerce(' as is ', String)).toBe(' as is ');
    expect(coerce(' as is ', undefined)).toBe(' as is ');
  });
});

describe('describeType', () => {
  it.each([
    [Number, 'a number'],
    [Boolean, 'true or false'],
    [Array, 'a comma-separated list'],
    [Object, 'a JSON object'],
    [String, 'a string'],
  ])('%o → %j', (type, words) => {
    expect(describeType(type)).toBe(words);
  });
});
