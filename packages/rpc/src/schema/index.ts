export { apiJsonSchema, sortKeys, JSON_SCHEMA_DIALECT } from './apiJsonSchema.js';
export { compareApiSchemas, type SchemaChange } from './compatibility.js';
export type { JsonSchema, RecordedRule } from './ruleSchema.js';
