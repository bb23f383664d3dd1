import 'reflect-metadata';
import { instanceToPlain, plainToInstance, Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsDefined,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  validateSync,
  type ValidationOptions,
} from 'class-validator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileBuilder, UNSURE } from '../src/messages/compiled/builder.js';
import { compileChecker } from '../src/messages/compiled/checker.js';
import { readPlan } from '../src/messages/compiled/metadata.js';
import { MessageCodec } from '../src/messages/MessageCodec.js';
import { schema } from '../src/messages/schema.js';
import { SchemaRegistry } from '../src/messages/SchemaRegistry.js';

/*
 * Differential test: random schema classes built from every rule the compiler supports (decorators
 * applied programmatically, in random combinations, with `each`, IsOptional, nested @Type classes,
 * field initialisers), random plain inputs (valid, near-miss and garbage values, missing and extra
 * fields, nested arrays). The compiled verdict must be class-validator's, and an accepted instance
 * must be plainToInstance's after the whitelist (same prototypes, same own properties in the same
 * order, same values); the codec's decode and encode must give what the libraries give.
 */

enum Colour {
  Red = 'red',
  Green = 'green',
}
enum Level {
  Low,
  High,
}

type Rule = readonly [name: string, make: (options: ValidationOptions) => PropertyDecorator];
const RULES: readonly Rule[] = [
  ['IsString', (o) => IsString(o)],
  ['IsNumber', (o) => IsNumber({}, o)],
  ['IsNumber(maxDecimalPlaces 1)', (o) => IsNumber({ maxDecimalPlaces: 1 }, o)],
  ['IsNumber(NaN, Infinity)', (o) => IsNumber({ allowNaN: true, allowInfinity: true }, o)],
  ['IsInt', (o) => IsInt(o)],
  ['IsBoolean', (o) => IsBoolean(o)],
  ['Min(1)', (o) => Min(1, o)],
  ['Max(10)', (o) => Max(10, o)],
  ['MinLength(2)', (o) => MinLength(2, o)],
  ['MaxLength(3)', (o) => MaxLength(3, o)],
  ['Length(1, 3)', (o) => Length(1, 3, o)],
  ['Length(2)', (o) => Length(2, undefined, o)],
  ['IsIn', (o) => IsIn(['a', 'x', 1, true], o)],
  ['IsEnum(string)', (o) => IsEnum(Colour, o)],
  ['IsEnum(numeric)', (o) => IsEnum(Level, o)],
  ['IsNotEmpty', (o) => IsNotEmpty(o)],
  ['IsDefined', (o) => IsDefined(o)],
  ['IsEmail', (o) => IsEmail({}, o)],
  ['IsUUID', (o) => IsUUID(undefined, o)],
  ['IsUUID(4)', (o) => IsUUID('4', o)],
  ['IsISO8601', (o) => IsISO8601({}, o)],
  ['IsISO8601(strict)', (o) => IsISO8601({ strict: true }, o)],
  ['IsDateString', (o) => IsDateString({}, o)],
  ['Matches(RegExp)', (o) => Matches(/^a+b?$/, o)],
  ['Matches(string, i)', (o) => Matches('^[ab]+$', 'i', o)],
  ['IsArray', (o) => IsArray(o)],
  ['IsObject', (o) => IsObject(o)],
  ['ArrayMinSize(1)', (o) => ArrayMinSize(1, o)],
  ['ArrayMaxSize(2)', (o) => ArrayMaxSize(2, o)],
];

interface PropertySpec {
  name: string;
  rules: Array<{ rule: number; each: boolean }>;
  optional: boolean;
  nested: { kind: 'none' } | { kind: 'untyped' } | { kind: 'typed'; child: ClassSpec; designArray: boolean };
  initial: unknown;
}
interface ClassSpec {
  properties: PropertySpec[];
  undeclaredInitial: boolean;
}

const NAMES = ['a', 'b', 'c', 'd', 'e'] as const;
const NO_INITIAL = Symbol('none');

const leaf = fc.oneof(
  fc.constantFrom(
    '',
    'a',
    'ab',
    'aab',
    'abc',
    'abcd',
    'AB',
    'x',
    'red',
    'High',
    'ada@example.com',
    'ada@',
    '7d444840-9dc0-11d1-b245-5ffdce74fad2',
    '9b2f4c1e-3d5a-4f6b-8c7d-1e2f3a4b5c6d',
    '2024-05-01',
    '2024-05-01T10:20:30Z',
    '2024-02-30',
    '2024-02-30T10:00:00Z',
  ),
  fc.constantFrom(0, 1, -1, 2, 1.5, 1.25, 10, 11, NaN, Infinity, -0, 2 ** 53),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -3, max: 12 }),
);

/** An object with own properties, as JSON.parse makes them (even '__proto__'). */
function ownObject(entries: Array<readonly [string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

const extraKey = fc.oneof(
  { arbitrary: fc.constantFrom('z', 'extra', 'mediaType', 'a', 'b', 'c'), weight: 12 },
  { arbitrary: fc.constantFrom('constructor', '__proto__', 'toString'), weight: 1 },
);
const { garbage } = fc.letrec<{ garbage: unknown }>((tie) => ({
  garbage: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('garbage'), { maxLength: 3 }),
    fc.array(fc.tuple(extraKey, tie('garbage')), { maxLength: 3 }).map(ownObject),
  ),
}));

function classSpec(depth: number): fc.Arbitrary<ClassSpec> {
  const nested: fc.Arbitrary<PropertySpec['nested']> =
    depth >= 2
      ? fc.constant({ kind: 'none' as const })
      : fc.oneof(
          { arbitrary: fc.constant({ kind: 'none' as const }), weight: 6 },
          { arbitrary: fc.constant({ kind: 'untyped' as const }), weight: 1 },
          {
            arbitrary: fc.record({
              kind: fc.constant('typed' as const),
              child: fc.constant(null).chain(() => classSpec(depth + 1)),
              designArray: fc.boolean(),
            }),
            weight: 3,
          },
        );
  const property = (name: string): fc.Arbitrary<PropertySpec> =>
    fc.record({
      name: fc.constant(name),
      rules: fc.array(fc.record({ rule: fc.nat({ max: RULES.length - 1 }), each: fc.boolean() }), {
        maxLength: 3,
      }),
      optional: fc.boolean(),
      nested,
      initial: fc.oneof({ arbitrary: fc.constant(NO_INITIAL), weight: 4 }, { arbitrary: leaf, weight: 1 }),
    });
  return fc
    .subarray([...NAMES], { minLength: 1, maxLength: 4 })
    .chain((names) => fc.tuple(...names.map(property)))
    .chain((properties) =>
      fc.record({ properties: fc.constant(properties), undeclaredInitial: fc.boolean() }),
    );
}

let classCount = 0;
function makeClass(spec: ClassSpec): new () => object {
  const initials = spec.properties.filter((p) => p.initial !== NO_INITIAL).map((p) => [p.name, p.initial]);
  if (spec.undeclaredInitial) initials.push(['undeclared', 'default']);
  const Generated = class {
    constructor() {
      for (const [key, value] of initials) (this as Record<string, unknown>)[key as string] = value;
    }
  };
  Object.defineProperty(Generated, 'name', { value: `Generated${++classCount}` });
  const prototype = Generated.prototype;
  for (const property of spec.properties) {
    const declare = (decorator: PropertyDecorator): void => decorator(prototype, property.name);
    if (property.optional) declare(IsOptional());
    for (const { rule, each } of property.rules) declare(RULES[rule]![1](each ? { each: true } : {}));
    if (property.nested.kind === 'untyped') declare(ValidateNested());
    if (property.nested.kind === 'typed') {
      const child = makeClass(property.nested.child);
      if (property.nested.designArray) Reflect.defineMetadata('design:type', Array, prototype, property.name);
      declare(ValidateNested());
      declare(Type(() => child));
    }
    if (!property.optional && property.rules.length === 0 && property.nested.kind === 'none')
      declare(Allow());
  }
  return Generated;
}

function input(spec: ClassSpec): fc.Arbitrary<Record<string, unknown>> {
  const value = (property: PropertySpec): fc.Arbitrary<unknown> => {
    if (property.nested.kind === 'typed') {
      const child = input(property.nested.child);
      return fc.oneof(child, fc.array(child, { maxLength: 3 }), leaf, garbage);
    }
    return fc.oneof(
      { arbitrary: leaf, weight: 4 },
      { arbitrary: fc.array(leaf, { maxLength: 3 }), weight: 2 },
      { arbitrary: garbage, weight: 1 },
    );
  };
  const MISSING = Symbol('missing');
  return fc
    .tuple(
      fc.tuple(...spec.properties.map((p) => fc.option(value(p), { nil: MISSING, freq: 6 }))),
      fc.array(fc.tuple(extraKey, garbage), { maxLength: 2 }),
    )
    .map(([values, extra]) =>
      ownObject([
        ...extra,
        ...spec.properties.flatMap((p, index) =>
          values[index] === MISSING ? [] : [[p.name, values[index]] as const],
        ),
      ]),
    );
}

/** Same prototypes, same own property names in the same order, same values (Object.is at the leaves). */
function expectSameShape(actual: unknown, expected: unknown, path = 'instance'): void {
  if (typeof expected !== 'object' || expected === null) {
    if (!Object.is(actual, expected)) {
      throw new Error(`${path}: ${String(actual)} where class-transformer gives ${String(expected)}`);
    }
    return;
  }
  if (typeof actual !== 'object' || actual === null) throw new Error(`${path}: not an object`);
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) {
    throw new Error(`${path}: another prototype`);
  }
  const keys = Reflect.ownKeys(expected);
  expect(Reflect.ownKeys(actual), `${path}: own properties`).toEqual(keys);
  for (const key of keys) {
    expectSameShape(
      (actual as Record<PropertyKey, unknown>)[key],
      (expected as Record<PropertyKey, unknown>)[key],
      `${path}.${String(key)}`,
    );
  }
}

const VALIDATION = { whitelist: true, forbidUnknownValues: true } as const;
const copy = (fields: Record<string, unknown>): Record<string, unknown> =>
  ownObject(Object.keys(fields).map((key) => [key, fields[key]] as const));

describe('compiled validation, differential against class-validator and class-transformer', () => {
  // 800 generated classes: minutes on a busy 2-core machine (a bound on a hang, not on speed).
  it('gives the libraries’ verdict and instance for every supported rule and combination', async () => {
    const counts = { cases: 0, accepted: 0, rejected: 0, unsure: 0 };
    await fc.assert(
      fc.asyncProperty(
        classSpec(0).chain((spec) =>
          fc.tuple(fc.constant(spec), fc.array(input(spec), { minLength: 12, maxLength: 16 })),
        ),
        async ([spec, inputs]) => {
          const cls = makeClass(spec);
          const planned = readPlan(cls);
          if ('reason' in planned) throw new Error(`not compiled: ${planned.reason}`);
          const build = compileBuilder(planned.plan);
          const check = compileChecker(planned.plan);
          const mediaType = `application/vnd.test.generated${classCount}`;
          schema(mediaType)(cls);
          const codec = new MessageCodec(new SchemaRegistry([cls]));
          expect(codec.compilation[0]).toMatchObject({ compiled: true });

          for (const fields of inputs) {
            counts.cases++;
            const built = build(copy(fields));
            let expected: object;
            try {
              expected = plainToInstance(cls, copy(fields));
            } catch (error) {
              // class-transformer itself throws on some inputs (an own "constructor" key in a
              // nested plain object): the compiled path must leave those to it, and throw the same.
              expect(built, `build of ${describeInput(fields)}`).toBe(UNSURE);
              counts.unsure++;
              await expect(codec.decode(mediaType, copy(fields))).rejects.toThrow((error as Error).message);
              continue;
            }
            const errors = validateSync(expected, VALIDATION);
            if (built === UNSURE) {
              counts.unsure++;
            } else {
              const accepted = check(built as object);
              expect(accepted, `verdict for ${describeInput(fields)}`).toBe(errors.length === 0);
              if (accepted) {
                counts.accepted++;
                expectSameShape(built, expected);
              } else {
                counts.rejected++;
              }
            }
            // The codec: same instance, or the same MESSAGE_INVALID text as the libraries.
            const decoded = codec.decode(mediaType, copy(fields));
            if (errors.length === 0) {
              expect(decoded).not.toBeInstanceOf(Promise);
              expectSameShape(decoded, expected);
              const encoded = codec.encode(mediaType, copy(fields));
              expect(encoded).not.toBeInstanceOf(Promise);
              expect(encoded).toBe(JSON.stringify({ mediaType, ...instanceToPlain(expected) }));
              const fieldsOut = codec.encodeFields(mediaType, copy(fields));
              expect(fieldsOut).not.toBeInstanceOf(Promise);
              expect(JSON.stringify(fieldsOut)).toBe(JSON.stringify(instanceToPlain(expected)));
            } else {
              await expect(decoded).rejects.toThrow(`decode: ${cls.name} is invalid: `);
            }
          }
        },
      ),
      { numRuns: 800 },
    );
    // The generated cases must exercise both verdicts, not only one of them.
    const summary = JSON.stringify(counts);
    if (process.env.DIFFERENTIAL_COUNTS) console.log(summary);
    expect(counts.accepted, summary).toBeGreaterThan(counts.cases / 10);
    expect(counts.rejected, summary).toBeGreaterThan(counts.cases / 5);
    expect(counts.unsure, summary).toBeLessThan(counts.cases / 10);
  }, 600_000);
});

function describeInput(fields: Record<string, unknown>): string {
  return JSON.stringify(fields, (_key, value: unknown) =>
    value === undefined
      ? '<undefined>'
      : typeof value === 'number' && !Number.isFinite(value)
        ? String(value)
        : value,
  );
}
