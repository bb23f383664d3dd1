import { getMetadataStorage } from 'class-validator';
import { describeType } from './coerce.js';
import { envVarName } from './configKeys.js';
import { sectionName, secretKeys, type ConfigClass } from './configSection.js';
import { declaredKeys, typeOfKey } from './sectionKeys.js';

/** One config key as a daemon reads it: what the configuration reference prints. */
export interface ConfigKeyReference {
  readonly section: string;
  readonly sectionClass: ConfigClass;
  readonly key: string;
  /** As the rules say it: `integer, 1 to 10000`, `one of json, pretty`, `string`. */
  readonly type: string;
  /** The field's initializer, as a new instance has it (undefined: the key is required). */
  readonly defaultValue: unknown;
  readonly secret: boolean;
  readonly envVar: string;
  /** The flags that set it (`--queue-url`), aliases included. */
  readonly flags: readonly string[];
}

/** Every key of `sectionClasses`, in declaration order, for a daemon named `daemonName`. */
export function describeConfig(
  daemonName: string,
  sectionClasses: Iterable<ConfigClass>,
  flagsByKey: ReadonlyMap<string, readonly string[]>,
): ConfigKeyReference[] {
  return [...new Set(sectionClasses)].flatMap((sectionClass) => {
    const section = sectionName(sectionClass);
    const instance = new sectionClass() as Record<string, unknown>;
    const secrets = secretKeys(sectionClass);
    return [...declaredKeys(sectionClass, instance)].map((key) => ({
      section,
      sectionClass,
      key,
      type: typeText(sectionClass, instance, key),
      defaultValue: instance[key],
      secret: secrets.has(key),
      envVar: envVarName(daemonName, section, key),
      flags: flagsByKey.get(`${section}.${key}`) ?? [],
    }));
  });
}

// class-validator rule names, as a reader says them; a rule not listed here is printed by its name.
const RULE_TYPES: Readonly<Record<string, string>> = {
  isInt: 'integer',
  isNumber: 'number',
  isBoolean: 'boolean',
  isString: 'string',
  isObject: 'JSON object',
  isUrl: 'URL',
  isNotEmpty: 'not empty',
  isFraction: 'number between 0 and 1 (exclusive)',
};

/** The key's type and bounds from its validation rules, else from the type it is coerced to. */
function typeText(sectionClass: ConfigClass, instance: Record<string, unknown>, key: string): string {
  const rules = getMetadataStorage()
    .getTargetValidationMetadatas(sectionClass, '', true, false)
    .filter((metadata) => metadata.propertyName === key)
    .reverse(); // decorators apply bottom-up: back to the order they are written in
  const parts: string[] = [];
  let min: number | undefined;
  let max: number | undefined;
  for (const { name, constraints, each } of rules) {
    const [first] = (constraints ?? []) as unknown[];
    if (name === 'min') min = first as number;
    else if (name === 'max') max = first as number;
    else if (name === 'isIn') parts.push(`one of ${(first as unknown[]).map(choice).join(', ')}`);
    else if (name === 'isArray') parts.push('comma-separated list');
    else if (name === 'matches') parts.push(`matching \`${String(first)}\``);
    else if (name !== undefined) parts.push(`${each === true ? 'each ' : ''}${RULE_TYPES[name] ?? name}`);
  }
  if (parts.length === 0) parts.push(describeType(typeOfKey(sectionClass, instance, key)));
  if (min !== undefined && max !== undefined) parts.push(`${min} to ${max}`);
  else if (min !== undefined) parts.push(`at least ${min}`);
  else if (max !== undefined) parts.push(`at most ${max}`);
  return parts.join(', ');
}

/** An allowed value as written in the reference: the empty string shows as `''`. */
function choice(value: unknown): string {
  return value === '' ? "''" : String(value);
}
