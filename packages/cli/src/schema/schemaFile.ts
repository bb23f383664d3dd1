import { readFileSync } from 'node:fs';
import type { JsonSchema } from '@switchyard/rpc';
import { CliError } from '../CliError.js';

/** The `apis` of a document `switchyard dump-schema` wrote, or a one-line error naming the file. */
export function readSchemaFile(command: string, path: string): Record<string, JsonSchema> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `${command}: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${command}: ${path} is not JSON (${(error as Error).message})`);
  }
  const apis = isObject(document) ? document['apis'] : undefined;
  if (!isObject(apis))
    throw new CliError(
      `${command}: ${path} is not a schema document: it has no "apis" object (write one with switchyard dump-schema <module> --out ${path})`,
    );
  for (const [name, api] of Object.entries(apis)) {
    if (!isObject(api) || !isObject(api['methods']) || !isObject(api['events']) || !isObject(api['$defs']))
      throw new CliError(
        `${command}: ${path}: apis.${name} is not an API schema (it needs "methods", "events" and "$defs" objects)`,
      );
  }
  return apis as Record<string, JsonSchema>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
