import {
  arrayMaxSize,
  arrayMinSize,
  isArray,
  isBoolean,
  isDateString,
  isDefined,
  isEmail,
  isIn,
  isInt,
  isISO8601,
  isNotEmpty,
  isNumber,
  isObject,
  isString,
  isUUID,
  length,
  matches,
  max,
  maxLength,
  min,
  minLength,
  type IsNumberOptions,
} from 'class-validator';

/** One value → does the rule accept it. Pure and synchronous. */
export type Predicate = (value: unknown) => boolean;

interface RuleDefinition {
  /** The predicate for this decorator's constraints (the array class-validator stores). */
  readonly predicate: (constraints: readonly unknown[]) => Predicate | string;
  /** The default message templates the built-in decorator reports (its fingerprint). */
  readonly messages: readonly string[];
}

/**
 * The class-validator decorators the compiled path understands, keyed by the name they register.
 * Each predicate calls the very function class-validator's own decorator calls, with the same
 * constraints, so a compiled rule cannot disagree with class-validator about a value. A predicate
 * factory may return a string instead: the reason this use of the rule is not compiled.
 */
const RULES: Readonly<Record<string, RuleDefinition>> = {
  isString: { predicate: () => isString, messages: ['$property must be a string'] },
  isNumber: {
    predicate: (c) => {
      const options = (c[0] ?? {}) as IsNumberOptions;
      return (value) => isNumber(value, options);
    },
    messages: ['$property must be a number conforming to the specified constraints'],
  },
  isInt: { predicate: () => isInt, messages: ['$property must be an integer number'] },
  isBoolean: { predicate: () => isBoolean, messages: ['$property must be a boolean value'] },
  isArray: { predicate: () => isArray, messages: ['$property must be an array'] },
  isObject: { predicate: () => isObject, messages: ['$property must be an object'] },
  isDefined: { predicate: () => isDefined, messages: ['$property should not be null or undefined'] },
  isNotEmpty: { predicate: () => isNotEmpty, messages: ['$property should not be empty'] },
  min: {
    predicate: (c) => {
      const bound = c[0] as number;
      return (value) => min(value, bound);
    },
    messages: ['$property must not be less than $constraint1'],
  },
  max: {
    predicate: (c) => {
      const bound = c[0] as number;
      return (value) => max(value, bound);
    },
    messages: ['$property must not be greater than $constraint1'],
  },
  minLength: {
    predicate: (c) => {
      const bound = c[0] as number;
      return (value) => minLength(value, bound);
    },
    messages: ['$property must be longer than or equal to $constraint1 characters'],
  },
  maxLength: {
    predicate: (c) => {
      const bound = c[0] as number;
      return (value) => maxLength(value, bound);
    },
    messages: ['$property must be shorter than or equal to $constraint1 characters'],
  },
  isLength: {
    predicate: (c) => {
      const lower = c[0] as number;
      const upper = c[1] as number | undefined;
      return (value) => length(value, lower, upper);
    },
    messages: [
      '$property must be longer than or equal to $constraint1 characters',
      '$property must be shorter than or equal to $constraint2 characters',
      '$property must be longer than or equal to $constraint1 and shorter than or equal to $constraint2 characters',
    ],
  },
  isIn: {
    predicate: (c) => {
      const values = c[0] as readonly unknown[];
      return (value) => isIn(value, values);
    },
    messages: ['$property must be one of the following values: $constraint1'],
  },
  isEnum: {
    predicate: (c) => {
      const entity = c[0];
      if (typeof entity !== 'object' || entity === null) return 'IsEnum of something that is not an object';
      // isEnum(value, entity) recomputes the entity's values on every call; an enum is constant.
      const values = Object.keys(entity).map((key) => (entity as Record<string, unknown>)[key]);
      return (value) => values.includes(value);
    },
    messages: ['$property must be one of the following values: $constraint2'],
  },
  isEmail: {
    predicate: (c) => {
      const options = c[0] as Parameters<typeof isEmail>[1];
      return (value) => isEmail(value, options);
    },
    messages: ['$property must be an email'],
  },
  isUuid: {
    predicate: (c) => {
      const version = c[0] as Parameters<typeof isUUID>[1];
      return (value) => isUUID(value, version);
    },
    messages: ['$property must be a UUID'],
  },
  isIso8601: {
    predicate: (c) => {
      const options = c[0] as Parameters<typeof isISO8601>[1];
      return (value) => isISO8601(value, options);
    },
    messages: ['$property must be a valid ISO 8601 date string'],
  },
  isDateString: {
    predicate: (c) => {
      const options = c[0] as Parameters<typeof isDateString>[1];
      return (value) => isDateString(value, options);
    },
    messages: ['$property must be a valid ISO 8601 date string'],
  },
  matches: {
    predicate: (c) => {
      const pattern = c[0] as RegExp | string;
      const modifiers = c[1] as string | undefined;
      // A sticky regular expression keeps state between calls: checking twice (compiled, then
      // class-validator for the messages) would not see what one class-validator run sees.
      if (pattern instanceof RegExp && pattern.sticky) return 'Matches with a sticky (y) regular expression';
      if (typeof pattern !== 'string' && !(pattern instanceof RegExp)) return 'Matches without a pattern';
      const test = matches as (value: unknown, pattern: RegExp | string, modifiers?: string) => boolean;
      return (value) => test(value, pattern, modifiers);
    },
    messages: ['$property must match $constraint1 regular expression'],
  },
  arrayMinSize: {
    predicate: (c) => {
      const bound = c[0] as number;
      return (value) => arrayMinSize(value, bound);
    },
    messages: ['$property must contain at least $constraint1 elements'],
  },
  arrayMaxSize: {
    predicate: (c) => {
      const bound = c[0] as number;
      return (value) => arrayMaxSize(value, bound);
    },
    messages: ['$property must contain no more than $constraint1 elements'],
  },
};

export function isCompilableRule(name: string | undefined): name is string {
  return name !== undefined && Object.hasOwn(RULES, name);
}

/** The messages class-validator's built-in `name` decorator reports, with the `each` prefix. */
export function builtInMessages(name: string, each: boolean): readonly string[] {
  const prefix = each ? 'each value in ' : '';
  return (RULES[name]?.messages ?? []).map((template) => prefix + template);
}

/**
 * The predicate of a built-in rule with its constraints. With `each`, class-validator checks every
 * element of an array value (and the value itself when it is not an array); the instance builder
 * only ever produces dense plain arrays, which is what `every` needs.
 */
export function rulePredicate(
  name: string,
  constraints: readonly unknown[],
  each: boolean,
): Predicate | string {
  const definition = RULES[name];
  if (definition === undefined) return `unknown rule "${name}"`;
  const predicate = definition.predicate(constraints);
  if (typeof predicate === 'string' || !each) return predicate;
  return (value) => (Array.isArray(value) ? value.every(predicate) : predicate(value));
}
