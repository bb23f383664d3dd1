import type { DeclaredRule } from '@switchyard/core';

/** A JSON Schema fragment (an object; `true`/`false` schemas are not produced here). */
export type JsonSchema = { [keyword: string]: unknown };

/** A rule JSON Schema says only approximately (or not at all), kept verbatim beside the keywords. */
export interface RecordedRule {
  readonly rule: string;
  readonly constraints: readonly unknown[];
  readonly each?: true;
  readonly why: string;
}

export interface RuleSchema {
  /** The nearest keywords: what they accept contains, or equals, what the rule accepts. */
  readonly schema: JsonSchema;
  /** Set when the keywords are not the rule's exact verdict. */
  readonly recorded?: RecordedRule;
}

/**
 * One built-in class-validator rule (as compiled validation reads it: core's `readPlan`) as JSON
 * Schema keywords. Every rule implies its type, as class-validator's functions do: `@Min(0)` refuses
 * a string, `@Length(1)` refuses a number.
 */
export function ruleSchema(rule: DeclaredRule): RuleSchema {
  const [first, second] = rule.constraints;
  const record = (schema: JsonSchema, why: string): RuleSchema => ({
    schema,
    recorded: {
      rule: rule.name,
      constraints: withoutTrailingUndefined(rule.constraints).map(jsonValue),
      ...(rule.each ? { each: true as const } : {}),
      why,
    },
  });
  switch (rule.name) {
    case 'isString':
      return { schema: { type: 'string' } };
    case 'isNumber': {
      const places = (first as { maxDecimalPlaces?: number } | undefined)?.maxDecimalPlaces;
      // allowNaN and allowInfinity cannot matter: JSON has neither value.
      return places === undefined
        ? { schema: { type: 'number' } }
        : record({ type: 'number' }, 'maxDecimalPlaces has no JSON Schema keyword');
    }
    case 'isInt':
      return { schema: { type: 'integer' } };
    case 'isBoolean':
      return { schema: { type: 'boolean' } };
    case 'isArray':
      return { schema: { type: 'array' } };
    case 'isObject':
      return { schema: { type: 'object' } };
    case 'isDefined':
      return { schema: { not: { type: 'null' } } };
    case 'isNotEmpty':
      return { schema: { not: { enum: ['', null] } } };
    case 'min':
      return { schema: { type: 'number', minimum: first } };
    case 'max':
      return { schema: { type: 'number', maximum: first } };
    case 'minLength':
      return { schema: { type: 'string', minLength: first } };
    case 'maxLength':
      return { schema: { type: 'string', maxLength: first } };
    case 'isLength':
      return {
        schema: { type: 'string', minLength: first, ...(second === undefined ? {} : { maxLength: second }) },
      };
    case 'isIn':
      return { schema: { enum: sortedValues(first as readonly unknown[]) } };
    case 'isEnum': {
      const entity = first as Record<string, unknown>;
      // class-validator accepts every value of the object's keys: both sides of a numeric enum.
      return { schema: { enum: sortedValues(Object.keys(entity).map((key) => entity[key])) } };
    }
    case 'isEmail':
      return record(
        { type: 'string', format: 'email' },
        "validator's isEmail (with these options), not a JSON Schema validator's idea of an email",
      );
    case 'isUuid':
      return record(
        { type: 'string', format: 'uuid' },
        `validator's isUUID${first === undefined ? '' : ` (version ${JSON.stringify(first)})`}`,
      );
    case 'isIso8601':
    case 'isDateString':
      // "format": "date-time" would refuse the plain dates ("2024-05-01") ISO 8601 allows.
      return record({ type: 'string' }, "validator's isISO8601: dates, times, weeks and ordinals");
    case 'matches': {
      const pattern = first instanceof RegExp ? first.source : String(first);
      const flags = first instanceof RegExp ? first.flags : ((second as string | undefined) ?? '');
      return flags === ''
        ? { schema: { type: 'string', pattern } }
        : record(
            { type: 'string' },
            `the pattern has flags (${flags}), which JSON Schema patterns cannot carry`,
          );
    }
    case 'arrayMinSize':
      return { schema: { type: 'array', minItems: first } };
    case 'arrayMaxSize':
      return { schema: { type: 'array', maxItems: first } };
    default:
      // readPlan accepts only the rules compiled validation knows; a new one lands here until mapped.
      return record({}, 'no JSON Schema mapping for this rule yet');
  }
}

/** `@IsEmail()` stores `[undefined]` for its absent options: say `[]`. */
function withoutTrailingUndefined(values: readonly unknown[]): readonly unknown[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === undefined) end -= 1;
  return values.slice(0, end);
}

/** Enum values in a stable order (first by type, then by value), duplicates removed. */
function sortedValues(values: readonly unknown[]): unknown[] {
  const unique = [...new Set(values.map((value) => JSON.stringify(jsonValue(value))))].sort();
  return unique.map((text) => JSON.parse(text) as unknown);
}

/** A constraint as JSON data: a regular expression as its literal, a function as its name. */
export function jsonValue(value: unknown): unknown {
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'function') return `[function ${value.name}]`;
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, jsonValue(field)]));
  return value;
}
