import { apiMetadata, type ApiClass } from '../api/decorators.js';
import { SchemaDefs } from './classSchema.js';
import type { JsonSchema } from './ruleSchema.js';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * One bus API as a JSON Schema document: each method's parameters and result (`null` when it
 * returns nothing) and its `idempotent` flag, each event's payload, all as `$ref`s into `$defs`
 * (one definition per class, nested `@Type` classes included; `x-switchyard-media-type` on the
 * `@schema` ones). Built from the plan compiled validation reads (core's `readPlan`), so the
 * schema and the validation cannot read the classes differently. Keys are sorted: the same API
 * always gives the same text, and a diff shows only what changed.
 */
export function apiJsonSchema(apiClass: ApiClass): JsonSchema {
  const metadata = apiMetadata(apiClass);
  const defs = new SchemaDefs();
  const methods: Record<string, JsonSchema> = {};
  for (const name of [...metadata.methods.keys()].sort()) {
    const method = metadata.methods.get(name)!;
    methods[name] = {
      idempotent: method.idempotent,
      params: defs.ref(method.params),
      result: method.returns === undefined ? null : defs.ref(method.returns),
    };
  }
  const events: Record<string, JsonSchema> = {};
  for (const name of [...metadata.events.keys()].sort()) {
    events[name] = { payload: defs.ref(metadata.events.get(name)!.payload) };
  }
  return sortKeys({
    $schema: JSON_SCHEMA_DIALECT,
    title: `${metadata.name} (${metadata.className})`,
    'x-switchyard-api': metadata.name,
    methods,
    events,
    $defs: defs.all,
  }) as JsonSchema;
}

/** Object keys in sorted order at every depth (array order is kept: it can mean something). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
