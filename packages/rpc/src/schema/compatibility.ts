import { sortKeys } from './apiJsonSchema.js';
import type { JsonSchema } from './ruleSchema.js';

/** One difference between two versions of the bus APIs' schemas. */
export interface SchemaChange {
  readonly breaking: boolean;
  /** Where: `<api>.<method>.params.<field>…`, `<api>.<method>.result…`, `<api>.<event>.payload…`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Who reads the data, which decides whether a change breaks: parameters are read by the server
 * (a new server must accept what old callers send: narrowing breaks), results and event payloads
 * by clients and listeners (what a new server sends must pass old clients' checks: widening breaks).
 */
type Reader = 'server' | 'client';

/** How the set of accepted values moved. */
type Direction = 'narrower' | 'wider' | 'changed';

const CONSEQUENCE: Record<Reader, Record<Direction, { breaking: boolean; why: string }>> = {
  server: {
    narrower: { breaking: true, why: 'callers of the old version may send what the server now refuses' },
    wider: { breaking: false, why: 'what old callers send still passes' },
    changed: { breaking: true, why: 'the old and new versions accept different values' },
  },
  client: {
    narrower: { breaking: false, why: 'old clients accept what the server now sends' },
    wider: { breaking: true, why: 'old clients may receive what they refuse' },
    changed: { breaking: true, why: 'the old and new versions accept different values' },
  },
};

/**
 * Every change between two `{ apis: { <name>: <document> } }` maps (as `switchyard dump-schema`
 * writes them), breaking first, each once with its path.
 */
export function compareApiSchemas(
  before: Readonly<Record<string, JsonSchema>>,
  after: Readonly<Record<string, JsonSchema>>,
): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const add = (breaking: boolean, path: string, message: string): void => {
    changes.push({ breaking, path, message });
  };
  for (const name of union(Object.keys(before), Object.keys(after))) {
    const old = before[name];
    const current = after[name];
    if (current === undefined) add(true, name, 'API removed (its callers and listeners are left without it)');
    else if (old === undefined) add(false, name, 'new API');
    else compareApi(name, old, current, add);
  }
  return [...changes.filter((change) => change.breaking), ...changes.filter((change) => !change.breaking)];
}

type Add = (breaking: boolean, path: string, message: string) => void;

function compareApi(name: string, before: JsonSchema, after: JsonSchema, add: Add): void {
  const docs = { before, after };
  const oldMethods = members(before, 'methods');
  const newMethods = members(after, 'methods');
  for (const method of union(Object.keys(oldMethods), Object.keys(newMethods))) {
    const path = `${name}.${method}`;
    const old = oldMethods[method];
    const current = newMethods[method];
    if (current === undefined) {
      add(true, path, 'method removed (callers of the old version still call it)');
      continue;
    }
    if (old === undefined) {
      add(false, path, 'new method');
      continue;
    }
    if (old['idempotent'] === true && current['idempotent'] !== true)
      add(
        true,
        path,
        'no longer idempotent (clients of the old version may retry it, and it would run twice)',
      );
    if (old['idempotent'] !== true && current['idempotent'] === true) add(false, path, 'now idempotent');
    new Walk(docs, 'server', add).compare(`${path}.params`, old['params'], current['params']);
    const oldResult = old['result'] ?? null;
    const newResult = current['result'] ?? null;
    if (oldResult !== null && newResult === null)
      add(true, `${path}.result`, 'removed: the method returns nothing now (old clients expect a result)');
    else if (oldResult === null && newResult !== null)
      add(false, `${path}.result`, 'the method returns a result now (old clients ignore it)');
    else if (oldResult !== null)
      new Walk(docs, 'client', add).compare(`${path}.result`, oldResult, newResult);
  }
  const oldEvents = members(before, 'events');
  const newEvents = members(after, 'events');
  for (const event of union(Object.keys(oldEvents), Object.keys(newEvents))) {
    const path = `${name}.${event}`;
    const old = oldEvents[event];
    const current = newEvents[event];
    if (current === undefined) add(true, path, 'event removed (its listeners wait for it)');
    else if (old === undefined) add(false, path, 'new event');
    else new Walk(docs, 'client', add, true).compare(`${path}.payload`, old['payload'], current['payload']);
  }
}

/** One comparison of a schema pair (parameters, a result or a payload), following `$ref`s. */
class Walk {
  /** The `$ref` pairs being compared on the way down to here. */
  readonly #within = new Set<string>();
  #depth = 0;

  /**
   * `mediaTypeOnWire`: an event travels as a message of its payload's media type, which listeners
   * match; a call's parameters and result travel as fields of the call and reply envelopes.
   */
  constructor(
    private readonly docs: { readonly before: JsonSchema; readonly after: JsonSchema },
    private readonly reader: Reader,
    private readonly add: Add,
    private readonly mediaTypeOnWire = false,
  ) {}

  compare(path: string, before: unknown, after: unknown): void {
    // Optional's null first: `anyOf: [{ $ref }, { type: null }]` holds the reference.
    const old = unwrap(isObject(before) ? before : {});
    const current = unwrap(isObject(after) ? after : {});
    const pair = `${refOf(old.schema)}|${refOf(current.schema)}`;
    // A class met again inside itself (self-reference) is compared at its first place only.
    if (pair !== 'undefined|undefined' && this.#within.has(pair)) return;
    this.#within.add(pair);
    this.#depth += 1;
    try {
      this.#compareResolved(path, old, current);
    } finally {
      this.#depth -= 1;
      this.#within.delete(pair);
    }
  }

  #compareResolved(path: string, before: Unwrapped, after: Unwrapped): void {
    const old = { schema: resolve(this.docs.before, before.schema), nullable: before.nullable };
    const current = { schema: resolve(this.docs.after, after.schema), nullable: after.nullable };
    const change = (direction: Direction, what: string): void => {
      const { breaking, why } = CONSEQUENCE[this.reader][direction];
      this.add(breaking, path, `${what} (${why})`);
    };
    const notDescribed = 'x-switchyard-not-described';
    if (old.schema[notDescribed] !== undefined || current.schema[notDescribed] !== undefined) {
      if (!same(old.schema, current.schema))
        change(
          'changed',
          `cannot be compared: not described (${String(current.schema[notDescribed] ?? old.schema[notDescribed])})`,
        );
      return;
    }
    const media = 'x-switchyard-media-type';
    if (!same(old.schema[media], current.schema[media])) {
      const what = `media type ${show(old.schema[media])} → ${show(current.schema[media])}`;
      if (this.mediaTypeOnWire && this.#depth === 1)
        this.add(true, path, `${what} (listeners of the old version match events by it)`);
      else this.add(false, path, `${what} (not on the wire here: fields travel inside the envelope)`);
    }
    if (old.nullable && !current.nullable) change('narrower', 'null no longer accepted');
    if (!old.nullable && current.nullable) change('wider', 'null now accepted');
    compareTypes(old.schema['type'], current.schema['type'], change);
    compareBounds(old.schema, current.schema, change);
    compareEnums(old.schema['enum'], current.schema['enum'], change);
    compareRules(old.schema['x-switchyard-rules'], current.schema['x-switchyard-rules'], change);
    for (const keyword of ['pattern', 'format', 'not', 'const']) {
      const [a, b] = [old.schema[keyword], current.schema[keyword]];
      if (same(a, b)) continue;
      if (a === undefined) change('narrower', `${keyword} ${show(b)} added`);
      else if (b === undefined) change('wider', `${keyword} ${show(a)} removed`);
      else change('changed', `${keyword} ${show(a)} → ${show(b)}`);
    }
    if (isEach(old.schema) && isEach(current.schema)) {
      // `{ each: true }` on a value that may be one element or an array of them: compare the element.
      this.compare(`${path}[]`, old.schema['else'], current.schema['else']);
    } else {
      for (const keyword of ['if', 'then', 'else']) {
        if (!same(old.schema[keyword], current.schema[keyword])) change('changed', `${keyword} changed`);
      }
    }
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
      if (!same(old.schema[keyword], current.schema[keyword])) change('changed', `${keyword} changed`);
    }
    if (old.schema['items'] !== undefined || current.schema['items'] !== undefined)
      this.compare(`${path}[]`, old.schema['items'] ?? {}, current.schema['items'] ?? {});
    this.#compareProperties(path, old.schema, current.schema);
  }

  #compareProperties(path: string, before: JsonSchema, after: JsonSchema): void {
    const oldProperties = members(before, 'properties');
    const newProperties = members(after, 'properties');
    const oldRequired = new Set((before['required'] as string[] | undefined) ?? []);
    const newRequired = new Set((after['required'] as string[] | undefined) ?? []);
    for (const name of union(Object.keys(oldProperties), Object.keys(newProperties))) {
      const field = `${path}.${name}`;
      const inOld = Object.hasOwn(oldProperties, name);
      const inNew = Object.hasOwn(newProperties, name);
      if (!inNew) {
        if (this.reader === 'server')
          this.add(
            true,
            field,
            'field removed (callers of the old version still send it; the server now drops it unread)',
          );
        else if (oldRequired.has(name)) this.add(true, field, 'field removed (old clients require it)');
        else this.add(false, field, 'optional field removed (old clients accept its absence)');
        continue;
      }
      if (!inOld) {
        if (newRequired.has(name) && this.reader === 'server')
          this.add(true, field, 'new required field (callers of the old version do not send it)');
        else
          this.add(
            false,
            field,
            newRequired.has(name) ? 'new field (old clients ignore it)' : 'new optional field',
          );
        continue;
      }
      if (!oldRequired.has(name) && newRequired.has(name))
        this.#changeAt(field, 'narrower', 'optional field made required');
      if (oldRequired.has(name) && !newRequired.has(name))
        this.#changeAt(field, 'wider', 'required field made optional');
      this.compare(field, oldProperties[name], newProperties[name]);
    }
  }

  #changeAt(path: string, direction: Direction, what: string): void {
    const { breaking, why } = CONSEQUENCE[this.reader][direction];
    this.add(breaking, path, `${what} (${why})`);
  }
}

/** What `apiJsonSchema` writes for `each` rules without `@IsArray`: the element, or an array of them. */
function isEach(schema: JsonSchema): boolean {
  const then = schema['then'];
  return (
    same(schema['if'], { type: 'array' }) &&
    isObject(then) &&
    same(then, { type: 'array', items: schema['else'] })
  );
}

/** A `$ref` into the document's `$defs`, resolved (one level: definitions are never bare refs). */
function resolve(doc: JsonSchema, schema: unknown): JsonSchema {
  if (!isObject(schema)) return {};
  const ref = schema['$ref'];
  if (typeof ref !== 'string') return schema;
  const name = ref.startsWith('#/$defs/') ? ref.slice('#/$defs/'.length) : undefined;
  const target = name === undefined ? undefined : members(doc, '$defs')[name];
  if (target === undefined) throw new Error(`${ref}: no such definition in the document's $defs`);
  const siblings = { ...schema };
  delete siblings['$ref'];
  return { ...target, ...siblings };
}

/** `@IsOptional`'s null: `type: [t, "null"]` or `anyOf: [schema, { type: "null" }]`, taken apart. */
interface Unwrapped {
  readonly schema: JsonSchema;
  readonly nullable: boolean;
}

function unwrap(schema: JsonSchema): Unwrapped {
  const anyOf = schema['anyOf'];
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nullIndex = anyOf.findIndex((branch) => same(branch, { type: 'null' }));
    if (nullIndex !== -1) {
      const rest = { ...schema };
      delete rest['anyOf'];
      return { schema: { ...rest, ...(anyOf[1 - nullIndex] as JsonSchema) }, nullable: true };
    }
  }
  const type = schema['type'];
  if (Array.isArray(type) && type.includes('null')) {
    const others = type.filter((name) => name !== 'null');
    return { schema: { ...schema, type: others.length === 1 ? others[0] : others }, nullable: true };
  }
  return { schema, nullable: false };
}

function compareTypes(before: unknown, after: unknown, change: (d: Direction, what: string) => void): void {
  const oldTypes = typeList(before);
  const newTypes = typeList(after);
  if (same(oldTypes, newTypes)) return;
  const covers = (types: string[] | undefined, type: string): boolean =>
    types === undefined || types.includes(type) || (type === 'integer' && types.includes('number'));
  const newCoversOld =
    oldTypes === undefined ? newTypes === undefined : oldTypes.every((t) => covers(newTypes, t));
  const oldCoversNew =
    newTypes === undefined ? oldTypes === undefined : newTypes.every((t) => covers(oldTypes, t));
  const what = `type ${oldTypes?.join('|') ?? 'any'} → ${newTypes?.join('|') ?? 'any'}`;
  if (newCoversOld && !oldCoversNew) change('wider', what);
  else if (oldCoversNew && !newCoversOld) change('narrower', what);
  else if (!newCoversOld && !oldCoversNew) change('changed', what);
}

function typeList(type: unknown): string[] | undefined {
  if (type === undefined) return undefined;
  return (Array.isArray(type) ? (type as string[]) : [JSON.stringify(type).replace(/^"|"$/g, '')])
    .slice()
    .sort();
}

const LOWER_BOUNDS = ['minimum', 'minLength', 'minItems'];
const UPPER_BOUNDS = ['maximum', 'maxLength', 'maxItems'];

function compareBounds(
  before: JsonSchema,
  after: JsonSchema,
  change: (d: Direction, what: string) => void,
): void {
  for (const keyword of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
    const [a, b] = [before[keyword] as number | undefined, after[keyword] as number | undefined];
    if (a === b) continue;
    const lower = LOWER_BOUNDS.includes(keyword);
    if (a === undefined) change('narrower', `${keyword} ${b} added`);
    else if (b === undefined) change('wider', `${keyword} ${a} removed`);
    else change((lower ? b > a : b < a) ? 'narrower' : 'wider', `${keyword} ${a} → ${b}`);
  }
}

function compareEnums(before: unknown, after: unknown, change: (d: Direction, what: string) => void): void {
  if (same(before, after)) return;
  if (before === undefined) return change('narrower', `enum ${show(after)} added`);
  if (after === undefined) return change('wider', `enum ${show(before)} removed`);
  const oldValues = (before as unknown[]).map((value) => JSON.stringify(value));
  const newValues = (after as unknown[]).map((value) => JSON.stringify(value));
  const removed = oldValues.filter((value) => !newValues.includes(value));
  const added = newValues.filter((value) => !oldValues.includes(value));
  if (removed.length > 0)
    change('narrower', `enum value${removed.length > 1 ? 's' : ''} ${removed.join(', ')} removed`);
  if (added.length > 0) change('wider', `enum value${added.length > 1 ? 's' : ''} ${added.join(', ')} added`);
}

/** Recorded rules (no exact keyword): one added tightens, one removed loosens. */
function compareRules(before: unknown, after: unknown, change: (d: Direction, what: string) => void): void {
  const key = (rule: unknown): string => {
    const { rule: name, constraints, each } = rule as { rule: string; constraints: unknown; each?: boolean };
    return `${name}(${JSON.stringify(constraints ?? []).slice(1, -1)})${each === true ? ' each' : ''}`;
  };
  const oldRules = ((before as unknown[] | undefined) ?? []).map(key);
  const newRules = ((after as unknown[] | undefined) ?? []).map(key);
  for (const rule of newRules) if (!oldRules.includes(rule)) change('narrower', `rule ${rule} added`);
  for (const rule of oldRules) if (!newRules.includes(rule)) change('wider', `rule ${rule} removed`);
}

function members(schema: JsonSchema, key: string): Record<string, JsonSchema> {
  const value = schema[key];
  return isObject(value) ? (value as Record<string, JsonSchema>) : {};
}

function refOf(schema: unknown): string | undefined {
  return isObject(schema) && typeof schema['$ref'] === 'string' ? schema['$ref'] : undefined;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Equal as JSON data, whatever the key order (a document may have been edited by hand). */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function show(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

/** Names of both sides, sorted, each once. */
function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
