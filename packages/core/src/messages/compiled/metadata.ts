import { createRequire } from 'node:module';
import { Type } from 'class-transformer';
import { getMetadataStorage, ValidationTypes, type MetadataStorage } from 'class-validator';
import { builtInMessages, isCompilableRule, rulePredicate, type Predicate } from './rules.js';

/**
 * Reads class-validator's and class-transformer's metadata for a schema class into a plan the
 * compiled checker and builder follow, or says why the class cannot be compiled. The plan says
 * only what class-validator and class-transformer would do anyway; anything they would do that
 * the plan cannot express makes the whole schema run on them instead.
 */

type AnyClass = new () => object;

/** One declared property: its rules in class-validator's terms. */
export interface PropertyPlan {
  readonly name: string;
  /** `@IsOptional()`: null and undefined skip every other rule. */
  readonly optional: boolean;
  readonly rules: readonly Predicate[];
  /** Where each rule came from (`declared[i]` made `rules[i]`): what a JSON Schema describes. */
  readonly declared: readonly DeclaredRule[];
  /** `@ValidateNested()`: 'typed' with `@Type(() => X)`, 'untyped' without. */
  readonly nested: 'none' | 'typed' | 'untyped';
  /** The `@Type` class the builder instantiates (only with `nested: 'typed'`). */
  readonly type: ClassPlan | undefined;
}

/** A built-in class-validator rule as declared: its name, constraints and `each`. */
export interface DeclaredRule {
  readonly name: string;
  readonly constraints: readonly unknown[];
  readonly each: boolean;
}

export interface ClassPlan {
  readonly cls: AnyClass;
  /** Filled after the plan is registered, so self-referencing classes terminate. */
  readonly properties: PropertyPlan[];
  /** `new cls()` leaves own properties no rule declares: the whitelist deletes them. */
  stripsDefaults: boolean;
}

export type PlanResult = { readonly plan: ClassPlan } | { readonly reason: string };

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

interface TypeMetadata {
  target: unknown;
  propertyName: string;
  reflectedType: unknown;
  typeFunction: ((options?: unknown) => unknown) | undefined;
  options: Record<string, unknown> | undefined;
}

/** The parts of class-transformer's (internal, but stable since 0.3) metadata storage read here. */
interface TransformerStorage {
  findTypeMetadata(target: unknown, propertyName: string): TypeMetadata | undefined;
  _typeMetadatas: Map<unknown, Map<string, unknown>>;
  _transformMetadatas: Map<unknown, Map<string, unknown[]>>;
  _exposeMetadatas: Map<unknown, Map<string | undefined, unknown>>;
  _excludeMetadatas: Map<unknown, Map<string | undefined, unknown>>;
}

/**
 * class-transformer keeps its decorators' metadata in a module-level singleton that its package
 * index does not export. `plainToInstance` imported from 'class-transformer' resolves to the CJS
 * build under Node, so its storage is `class-transformer/cjs/storage.js`; a probe decorated
 * through the public `@Type` confirms that the storage read here is the one in use (a bundler that
 * picked the ESM build would have its own), and when it is not, nothing is compiled.
 */
function loadTransformerStorage(): TransformerStorage | string {
  let storage: TransformerStorage;
  try {
    const required = createRequire(import.meta.url)('class-transformer/cjs/storage.js') as {
      defaultMetadataStorage?: TransformerStorage;
    };
    if (required.defaultMetadataStorage === undefined) throw new Error('no defaultMetadataStorage');
    storage = required.defaultMetadataStorage;
  } catch (error) {
    return `class-transformer's metadata storage cannot be read (${(error as Error).message})`;
  }
  class ProbeTarget {}
  class Probe {
    target?: ProbeTarget;
  }
  Type(() => ProbeTarget)(Probe.prototype, 'target');
  const maps = [
    storage._typeMetadatas,
    storage._transformMetadatas,
    storage._exposeMetadatas,
    storage._excludeMetadatas,
  ];
  if (
    !maps.every((map) => map instanceof Map) ||
    typeof storage.findTypeMetadata !== 'function' ||
    storage.findTypeMetadata(Probe, 'target')?.typeFunction?.() !== ProbeTarget
  ) {
    return "class-transformer's metadata storage is not the one its decorators write to";
  }
  return storage;
}

let transformerStorage: TransformerStorage | string | undefined;
function transformer(): TransformerStorage | string {
  transformerStorage ??= loadTransformerStorage();
  return transformerStorage;
}

/** The class and its ancestors, as class-transformer walks them. */
function lineage(cls: AnyClass): unknown[] {
  const classes: unknown[] = [cls];
  for (
    let base = Object.getPrototypeOf((cls.prototype as { constructor: unknown }).constructor) as {
      prototype?: unknown;
    };
    typeof base.prototype !== 'undefined';
    base = Object.getPrototypeOf((base.prototype as { constructor: unknown }).constructor) as {
      prototype?: unknown;
    }
  ) {
    classes.push(base);
  }
  return classes;
}

/** Constructors whose `@Type` makes class-transformer convert the value rather than instantiate a schema. */
const CONVERTED_TYPES = new Set<unknown>([
  String,
  Number,
  Boolean,
  Date,
  Buffer,
  Map,
  Set,
  Array,
  Object,
  Promise,
  Function,
  Symbol,
  BigInt,
]);

class NotCompiled extends Error {}

const fail = (reason: string): never => {
  throw new NotCompiled(reason);
};

export function readPlan(cls: AnyClass): PlanResult {
  const storage = transformer();
  if (typeof storage === 'string') return { reason: storage };
  try {
    return { plan: planClass(cls, storage, new Map()) };
  } catch (error) {
    if (error instanceof NotCompiled) return { reason: error.message };
    throw error;
  }
}

function planClass(cls: AnyClass, storage: TransformerStorage, seen: Map<AnyClass, ClassPlan>): ClassPlan {
  const existing = seen.get(cls);
  if (existing !== undefined) return existing;
  const plan: ClassPlan = { cls, properties: [], stripsDefaults: false };
  seen.set(cls, plan);
  const where = (property?: string): string =>
    property === undefined ? cls.name : `${cls.name}.${property}`;

  // class-validator, with the options the codec validates with: no groups, not `always`.
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(
    cls,
    undefined as unknown as string,
    false,
    false,
    undefined,
  );
  if (metadatas.length === 0) fail(`${where()} has no validation rules (class-validator rejects it)`);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) {
    const name: unknown = metadata.propertyName;
    if (typeof name !== 'string') fail(`${where()} has a rule on a symbol property`);
    const list = byProperty.get(metadata.propertyName) ?? [];
    list.push(metadata);
    byProperty.set(metadata.propertyName, list);
  }

  // class-transformer: anything beyond `@Type` on a nested property changes what plainToInstance builds.
  for (const target of lineage(cls)) {
    if ((storage._transformMetadatas.get(target)?.size ?? 0) > 0) fail(`${where()} uses @Transform`);
    if ((storage._exposeMetadatas.get(target)?.size ?? 0) > 0) fail(`${where()} uses @Expose`);
    if ((storage._excludeMetadatas.get(target)?.size ?? 0) > 0) fail(`${where()} uses @Exclude`);
    for (const property of storage._typeMetadatas.get(target)?.keys() ?? []) {
      if (!byProperty.has(property)) fail(`${where(property)} has @Type but no validation rule`);
    }
  }

  checkClassShape(cls, [...byProperty.keys()], where);

  for (const [name, list] of byProperty) {
    plan.properties.push(planProperty(cls, name, list, storage, seen, where(name)));
  }

  let probe: object;
  try {
    probe = new cls();
  } catch {
    return fail(`${where()}: new ${cls.name}() throws`);
  }
  plan.stripsDefaults = Object.keys(probe).some((key) => !byProperty.has(key));
  return plan;
}

/** What plainToInstance does with a property depends on the class's shape: keep to plain data classes. */
function checkClassShape(cls: AnyClass, declared: string[], where: (property?: string) => string): void {
  let probe: object;
  try {
    probe = new cls();
  } catch (error) {
    return fail(`${where()}: new ${cls.name}() throws (${(error as Error).message})`);
  }
  if (!Object.isExtensible(probe)) fail(`${where()}: its instances are not extensible`);
  for (const key of Reflect.ownKeys(probe)) {
    const descriptor = Object.getOwnPropertyDescriptor(probe, key)!;
    if (
      !('value' in descriptor) ||
      descriptor.writable !== true ||
      descriptor.enumerable !== true ||
      descriptor.configurable !== true
    ) {
      fail(`${where(String(key))} is not a plain writable field`);
    }
  }
  for (let proto = cls.prototype as object | null; proto !== null && proto !== Object.prototype;) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
      if (!('value' in descriptor)) fail(`${where(String(key))} is an accessor`);
      if (key === 'toJSON') fail(`${where()} defines toJSON`);
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  for (const name of declared) {
    if (name === '__proto__' || name === 'constructor') fail(`${where(name)} cannot be a message field`);
    // plainToInstance never assigns a name the instance has as a method or the prototype defines.
    if ((probe as Record<string, unknown>)[name] instanceof Function) fail(`${where(name)} is a method`);
    for (
      let proto = cls.prototype as object | null;
      proto !== null;
      proto = Object.getPrototypeOf(proto) as object | null
    ) {
      if (Object.hasOwn(proto, name)) fail(`${where(name)} is defined on the prototype`);
    }
  }
}

function planProperty(
  cls: AnyClass,
  name: string,
  metadatas: ValidationMetadata[],
  storage: TransformerStorage,
  seen: Map<AnyClass, ClassPlan>,
  where: string,
): PropertyPlan {
  let optional = false;
  let nested = false;
  const rules: Predicate[] = [];
  const declared: DeclaredRule[] = [];
  for (const metadata of metadatas) {
    if (metadata.groups !== undefined && metadata.groups.length > 0) fail(`${where} uses validation groups`);
    if (metadata.always !== undefined) fail(`${where} uses the "always" option`);
    if ((metadata as { validateIf?: unknown }).validateIf !== undefined) fail(`${where} uses validateIf`);
    switch (metadata.type) {
      case ValidationTypes.WHITELIST:
        break; // @Allow(): declared, no rule
      case ValidationTypes.CONDITIONAL_VALIDATION:
        if (metadata.name !== 'isOptional') fail(`${where} uses @ValidateIf`);
        optional = true;
        break;
      case ValidationTypes.NESTED_VALIDATION:
        nested = true;
        break;
      case ValidationTypes.IS_DEFINED:
      case ValidationTypes.CUSTOM_VALIDATION:
        rules.push(planRule(metadata, where));
        declared.push({
          name: metadata.name!, // planRule checked it
          constraints: (metadata.constraints ?? []) as unknown[],
          each: metadata.each === true,
        });
        break;
      case ValidationTypes.PROMISE_VALIDATION:
        return fail(`${where} uses @ValidatePromise`);
      default:
        return fail(`${where} uses a rule of type "${metadata.type}"`);
    }
  }

  const typeMetadata = storage.findTypeMetadata(cls, name);
  if (typeMetadata === undefined) {
    return { name, optional, rules, declared, nested: nested ? 'untyped' : 'none', type: undefined };
  }
  if (!nested) fail(`${where} has @Type without @ValidateNested (class-transformer converts it)`);
  const { typeFunction, options, reflectedType } = typeMetadata;
  if (options !== undefined && Object.keys(options).length > 0) fail(`${where} has @Type options`);
  if (typeof typeFunction !== 'function' || typeFunction.length > 0) {
    fail(`${where} has a @Type whose class depends on the value`);
  }
  if (reflectedType === Map) fail(`${where} is a Map`);
  if (reflectedType !== undefined && !isArrayTypeOfPlainArrays(reflectedType)) {
    fail(`${where} is declared as a collection other than an array`);
  }
  const target = typeFunction!();
  if (typeof target !== 'function' || CONVERTED_TYPES.has(target)) {
    fail(`${where} has @Type of ${typeof target === 'function' ? target.name : String(target)}`);
  }
  let type: ClassPlan;
  try {
    type = planClass(target as AnyClass, storage, seen);
  } catch (error) {
    if (error instanceof NotCompiled) return fail(`${where}: ${error.message}`);
    throw error;
  }
  return { name, optional, rules, declared, nested: 'typed', type };
}

/**
 * class-transformer builds an array value of a `@Type` property with `new reflectedType()` when that
 * has `push` or is a Set, and `[]` otherwise: only a plain array may come out.
 */
function isArrayTypeOfPlainArrays(reflectedType: unknown): boolean {
  if (typeof reflectedType !== 'function') return false;
  let made: unknown;
  try {
    made = new (reflectedType as new () => unknown)();
  } catch {
    return false;
  }
  if (made instanceof Set) return false;
  if (typeof made === 'object' && made !== null && !('push' in made)) return true;
  return Array.isArray(made) && Object.getPrototypeOf(made) === Array.prototype && made.length === 0;
}

function planRule(metadata: ValidationMetadata, where: string): Predicate {
  const name = metadata.name;
  if (!isCompilableRule(name)) {
    return fail(`${where} uses ${name === undefined ? 'a custom constraint' : `the rule "${String(name)}"`}`);
  }
  // The constraint class behind the name: exactly one, synchronous, and the built-in decorator's
  // (the same name and default message), not a custom constraint that happens to share the name.
  const constraintClass = metadata.constraintCls as (new () => unknown) | undefined;
  const constraints =
    constraintClass === undefined ? [] : getMetadataStorage().getTargetValidatorConstraints(constraintClass);
  if (constraints.length !== 1) fail(`${where}: "${name}" is not a built-in rule`);
  const constraint = constraints[0]!;
  if (constraint.async) fail(`${where}: "${name}" is asynchronous`);
  if (constraint.name !== name) fail(`${where}: "${name}" is not a built-in rule`);
  let message: unknown;
  try {
    message = constraint.instance.defaultMessage?.({
      targetName: '',
      property: 'property',
      object: {},
      value: '',
      constraints: metadata.constraints ?? [],
    });
  } catch {
    message = undefined;
  }
  if (typeof message !== 'string' || !builtInMessages(name, metadata.each === true).includes(message)) {
    fail(`${where}: "${name}" is not the built-in rule`);
  }
  const predicate = rulePredicate(name, (metadata.constraints ?? []) as unknown[], metadata.each === true);
  if (typeof predicate === 'string') fail(`${where} uses ${predicate}`);
  return predicate as Predicate;
}
