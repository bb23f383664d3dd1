import { readPlan, schemaMediaType, type ClassPlan, type PropertyPlan } from '@switchyard/core';
import { ruleSchema, jsonValue, type JsonSchema, type RecordedRule } from './ruleSchema.js';

type AnyClass = new () => object;

/**
 * The `$defs` of one document: each class once, under its name (a second class of the same name
 * gets `Name_2`, in the order the document meets them), so nested and self-referencing `@Type`
 * classes become `$ref`s.
 */
export class SchemaDefs {
  readonly #names = new Map<AnyClass, string>();
  readonly #defs: Record<string, JsonSchema> = {};

  /** A `$ref` to the class's definition, written on first use. */
  ref(cls: AnyClass): JsonSchema {
    let name = this.#names.get(cls);
    if (name === undefined) {
      name = this.#freeName(cls.name || 'Anonymous');
      this.#names.set(cls, name);
      const planned = readPlan(cls);
      this.#defs[name] =
        'reason' in planned ? notDescribed(cls, planned.reason) : this.#classSchema(planned.plan);
    }
    return { $ref: `#/$defs/${name}` };
  }

  get all(): Record<string, JsonSchema> {
    return this.#defs;
  }

  #freeName(base: string): string {
    const taken = new Set(this.#names.values());
    if (!taken.has(base)) return base;
    let index = 2;
    while (taken.has(`${base}_${index}`)) index += 1;
    return `${base}_${index}`;
  }

  #classSchema(plan: ClassPlan): JsonSchema {
    // A field initialiser fills a missing field (plainToInstance starts from `new cls()`).
    const defaults = new plan.cls() as Record<string, unknown>;
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of plan.properties) {
      const initial = defaults[property.name];
      const schema = this.#propertySchema(property);
      if (isPlainData(initial)) schema['default'] = jsonValue(initial);
      properties[property.name] = schema;
      if (isRequired(property, initial)) required.push(property.name);
    }
    return {
      type: 'object',
      ...mediaType(plan.cls),
      properties,
      ...(required.length > 0 ? { required: required.sort() } : {}),
    };
  }

  #propertySchema(property: PropertyPlan): JsonSchema {
    const whole: JsonSchema[] = [];
    const items: JsonSchema[] = [];
    const recorded: RecordedRule[] = [];
    for (const rule of property.declared) {
      const { schema, recorded: note } = ruleSchema(rule);
      (rule.each ? items : whole).push(schema);
      if (note !== undefined) recorded.push(note);
    }
    const isArray = whole.some((schema) => schema['type'] === 'array');
    if (property.nested === 'typed') (isArray ? items : whole).push(this.ref(property.type!.cls));
    if (property.nested === 'untyped')
      recorded.push({
        rule: 'validateNested',
        constraints: [],
        why: 'without @Type an object value stays a plain object, which class-validator refuses as an unknown value',
      });
    let schema = merge(whole);
    if (items.length > 0) {
      const item = merge(items);
      // `each` checks every element of an array, and the value itself when it is not one.
      schema = isArray
        ? merge([schema, { items: item }])
        : merge([schema, { if: { type: 'array' }, then: { type: 'array', items: item }, else: item }]);
    }
    if (property.optional) schema = nullable(schema);
    if (recorded.length > 0) schema['x-switchyard-rules'] = recorded;
    return schema;
  }
}

/**
 * Required when class-validator refuses a missing value: not `@IsOptional`, some rule refuses
 * undefined (a property with only `@Allow` or `@ValidateNested` accepts it), and no initialiser
 * that its rules accept fills it in.
 */
function isRequired(property: PropertyPlan, initial: unknown): boolean {
  if (property.optional || property.rules.every((accepts) => accepts(undefined))) return false;
  const filled =
    initial !== undefined &&
    property.nested === 'none' &&
    property.rules.every((accepts) => accepts(initial));
  return !filled;
}

/** An initialiser worth showing as `default`: JSON data, not a class instance or a function. */
function isPlainData(value: unknown): boolean {
  if (value === undefined || typeof value === 'function') return false;
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  return Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(isPlainData);
}

/** A class compiled validation cannot read: described as an object, with the reason. */
function notDescribed(cls: AnyClass, reason: string): JsonSchema {
  return { type: 'object', ...mediaType(cls), 'x-switchyard-not-described': reason };
}

function mediaType(cls: AnyClass): JsonSchema {
  const type = schemaMediaType(cls);
  return type === undefined ? {} : { 'x-switchyard-media-type': type };
}

/** `@IsOptional`: null and undefined skip every rule. */
function nullable(schema: JsonSchema): JsonSchema {
  if (Object.keys(schema).length === 0) return schema;
  const type = schema['type'];
  const typeSpecific = Object.keys(schema).every((keyword) => TYPE_SPECIFIC.has(keyword));
  if (typeof type === 'string' && typeSpecific) return { ...schema, type: [type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

/** Keywords that say nothing about a value of another type (so null passes them). */
const TYPE_SPECIFIC = new Set([
  'type',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
  'items',
]);

/**
 * The keywords of several rules in one object; a keyword two rules give differently goes into
 * `allOf` (integer and number make integer; two bounds keep the tighter one).
 */
function merge(schemas: readonly JsonSchema[]): JsonSchema {
  const merged: JsonSchema = {};
  const rest: JsonSchema[] = [];
  for (const schema of schemas) {
    const conflicting: JsonSchema = {};
    for (const [keyword, value] of Object.entries(schema)) {
      const existing = merged[keyword];
      if (existing === undefined) merged[keyword] = value;
      else if (JSON.stringify(existing) === JSON.stringify(value)) continue;
      else if (keyword === 'type' && isNumeric(existing) && isNumeric(value)) merged[keyword] = 'integer';
      else if (TIGHTER[keyword] !== undefined && typeof value === 'number' && typeof existing === 'number')
        merged[keyword] = TIGHTER[keyword](existing, value);
      else conflicting[keyword] = value;
    }
    if (Object.keys(conflicting).length > 0) rest.push(conflicting);
  }
  if (rest.length > 0) merged['allOf'] = rest;
  return merged;
}

const isNumeric = (type: unknown): boolean => type === 'number' || type === 'integer';

const TIGHTER: Record<string, (a: number, b: number) => number> = {
  minimum: Math.max,
  minLength: Math.max,
  minItems: Math.max,
  maximum: Math.min,
  maxLength: Math.min,
  maxItems: Math.min,
};
