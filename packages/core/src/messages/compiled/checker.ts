import type { ClassPlan, PropertyPlan } from './metadata.js';

/**
 * The checker: class-validator's verdict (`validate(instance, { whitelist: true, forbidUnknownValues:
 * true })` finds no error) on an instance the builder made, following ValidationExecutor: for each
 * declared property, `@IsOptional` skips null and undefined, then every rule must accept the value,
 * then `@ValidateNested` accepts undefined, walks arrays element by element, and validates an
 * object as its own class (a plain object, which has no rules, is an "unknown value": rejected).
 * Anything else (null, a primitive) is not a nested object: rejected.
 */

export type Check = (instance: object) => boolean;

export function compileChecker(plan: ClassPlan, checks: Map<ClassPlan, Check> = new Map()): Check {
  const existing = checks.get(plan);
  if (existing !== undefined) return existing;
  const properties: Array<(instance: Record<string, unknown>) => boolean> = [];
  const check: Check = (instance) => {
    for (let index = 0; index < properties.length; index++) {
      if (!properties[index]!(instance as Record<string, unknown>)) return false;
    }
    return true;
  };
  checks.set(plan, check);
  for (const property of plan.properties) properties.push(compileProperty(property, checks));
  return check;
}

function compileProperty(
  property: PropertyPlan,
  checks: Map<ClassPlan, Check>,
): (instance: Record<string, unknown>) => boolean {
  const { name, optional } = property;
  const rules = property.rules;
  const ruleCount = rules.length;
  const nested = compileNested(property, checks);
  return (instance) => {
    const value = instance[name];
    if (optional && (value === null || value === undefined)) return true;
    for (let index = 0; index < ruleCount; index++) if (!rules[index]!(value)) return false;
    return nested === undefined || nested(value);
  };
}

function compileNested(
  property: PropertyPlan,
  checks: Map<ClassPlan, Check>,
): ((value: unknown) => boolean) | undefined {
  switch (property.nested) {
    case 'none':
      return undefined;
    case 'untyped': {
      // Without @Type the value stays a plain object, which class-validator calls unknown.
      const untyped = (value: unknown): boolean => {
        if (value === undefined) return true;
        if (Array.isArray(value)) return value.every(untyped);
        return false;
      };
      return untyped;
    }
    case 'typed': {
      const plan = property.type!;
      const cls = plan.cls;
      const checkType = compileChecker(plan, checks);
      const typed = (value: unknown): boolean => {
        if (value === undefined) return true;
        if (Array.isArray(value)) return value.every(typed);
        // The builder makes exactly `cls` instances from objects; anything else is not nested data.
        if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === cls.prototype) {
          return checkType(value);
        }
        return false;
      };
      return typed;
    }
  }
}
