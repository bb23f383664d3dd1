import type { ClassPlan } from './metadata.js';

/**
 * The instance builder: what `plainToInstance(cls, plain)` followed by class-validator's whitelist
 * gives, for the plain data a message carries (JSON values: primitives, plain objects, arrays).
 *
 * It follows class-transformer's TransformOperationExecutor step by step for that data: `new cls()`
 * (so field initialisers survive a missing field), then each own enumerable key of the plain object
 * in order ('__proto__' and 'constructor' skipped), the value of a `@Type(() => X)` property built as
 * an X the same way (arrays element by element), any other object or array deep-copied into plain
 * ones (keys that name Object.prototype members skipped), undefined kept as an own property. The
 * whitelist then leaves only declared properties. Anything else class-transformer treats specially
 * (Date, Map, Set, Buffer, boxed primitives, class instances, promises, functions, sparse arrays,
 * objects with their own `constructor`) answers UNSURE: the codec then runs class-transformer and
 * class-validator themselves, so an unusual value costs time, never a different result.
 */

export const UNSURE: unique symbol = Symbol('unsure');
/** A built value, or UNSURE (a symbol, so `unknown` covers it). */
export type Builder = (value: unknown) => unknown;

/** A value of a property without `@Type`: class-transformer copies objects and arrays into plain ones. */
export function copyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'function' ? UNSURE : value;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return UNSURE;
    const length = value.length;
    const copy: unknown[] = [];
    for (let index = 0; index < length; index++) {
      if (!(index in value)) return UNSURE;
      const element = copyValue(value[index]);
      if (element === UNSURE) return UNSURE;
      copy.push(element);
    }
    return copy;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || Object.hasOwn(value, 'constructor')) return UNSURE;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // '__proto__' and every other name Object.prototype defines are never assigned.
    if (key in Object.prototype) continue;
    const element = copyValue((value as Record<string, unknown>)[key]);
    if (element === UNSURE) return UNSURE;
    copy[key] = element;
  }
  return copy;
}

/** A value of a `@Type(() => X)` property: objects become X instances, arrays are built element by element. */
function typedValue(build: (plain: Record<string, unknown>) => unknown): Builder {
  const typed = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return typeof value === 'function' ? UNSURE : value;
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return UNSURE;
      const length = value.length;
      const built: unknown[] = [];
      for (let index = 0; index < length; index++) {
        if (!(index in value)) return UNSURE;
        const element = typed(value[index]);
        if (element === UNSURE) return UNSURE;
        built.push(element);
      }
      return built;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) return UNSURE;
    return build(value as Record<string, unknown>);
  };
  return typed;
}

/** Builds `plan.cls` instances from plain objects; nested `@Type` classes get their own builder. */
export function compileBuilder(
  plan: ClassPlan,
  built: Map<ClassPlan, (plain: Record<string, unknown>) => unknown> = new Map(),
): (plain: Record<string, unknown>) => unknown {
  const existing = built.get(plan);
  if (existing !== undefined) return existing;
  const fields = new Map<string, Builder>();
  const cls = plan.cls;
  const stripsDefaults = plan.stripsDefaults;
  const build = (plain: Record<string, unknown>): unknown => {
    const instance = new cls() as Record<string, unknown>;
    for (const key of Object.keys(plain)) {
      const value = plain[key];
      const field = fields.get(key);
      if (field === undefined) {
        // Not declared: class-transformer still converts it (and may throw doing so) before the
        // whitelist deletes it. Only an object value can make that conversion unusual.
        if (typeof value === 'object' && value !== null && key !== '__proto__' && key !== 'constructor') {
          if (copyValue(value) === UNSURE) return UNSURE;
        } else if (typeof value === 'function') {
          return UNSURE;
        }
        continue;
      }
      const result = field(value);
      if (result === UNSURE) return UNSURE;
      instance[key] = result;
    }
    if (stripsDefaults) {
      for (const key of Object.keys(instance)) if (!fields.has(key)) delete instance[key];
    }
    return instance;
  };
  built.set(plan, build);
  for (const property of plan.properties) {
    const type = property.type;
    fields.set(property.name, type === undefined ? copyValue : typedValue(compileBuilder(type, built)));
  }
  return build;
}
