import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';

const SECTION_KEY = Symbol.for('switchyard.config.section');
const SECRETS_KEY = Symbol.for('switchyard.config.secrets');

/** A config section: a class whose fields carry class-validator rules and whose initializers are defaults. */
export type ConfigClass<T extends object = object> = new () => T;

/**
 * Names a config section. Its keys are read from (lowest to highest precedence) the field
 * defaults, `.env`, the environment (`<DAEMON>__<SECTION>__<KEY>`) and the command line.
 *
 * @example
 *   @configSection('consumer') class ConsumerConfig { @IsInt() @Min(1) concurrency = 16 }
 */
export function configSection(name: string): ClassDecorator {
  if (!/^[a-z][a-zA-Z0-9]*$/.test(name)) {
    throw new SwitchyardError(ErrorCodes.DECORATOR_MISUSE, `@configSection("${name}"): use a camelCase name`);
  }
  return (target) => {
    Reflect.defineMetadata(SECTION_KEY, name, target);
    const named = declaredSections.get(name) ?? [];
    declaredSections.set(name, [...named, target as unknown as ConfigClass]);
  };
}

// Every section class declared in this process, by name: a key of a section the daemon forgot to
// list in `configSections` is then reported as that, not as a typo.
const declaredSections = new Map<string, ConfigClass[]>();

/** The section classes declared (imported) so far with this name; empty if none. */
export function sectionsNamed(name: string): readonly ConfigClass[] {
  return declaredSections.get(name) ?? [];
}

/** The names of every section class declared (imported) so far. */
export function declaredSectionNames(): Iterable<string> {
  return declaredSections.keys();
}

/** Marks a config key whose value must never be logged (DSNs, passwords, tokens). */
export function secret(): PropertyDecorator {
  return (target, key) => {
    const secrets = new Set<string | symbol>(secretKeys(target.constructor));
    secrets.add(key);
    Reflect.defineMetadata(SECRETS_KEY, secrets, target.constructor);
  };
}

export function sectionName(target: ConfigClass): string {
  const name = Reflect.getOwnMetadata(SECTION_KEY, target) as string | undefined;
  if (name === undefined) {
    throw new SwitchyardError(
      ErrorCodes.DECORATOR_MISUSE,
      `${target.name} is used as config but has no @configSection("<name>") decorator`,
    );
  }
  return name;
}

export function secretKeys(target: object): Set<string | symbol> {
  return (Reflect.getOwnMetadata(SECRETS_KEY, target) as Set<string | symbol> | undefined) ?? new Set();
}
