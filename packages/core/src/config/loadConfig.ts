import { validateSync } from 'class-validator';
import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';
import { coerce, describeType } from './coerce.js';
import { envVarName } from './configKeys.js';
import { sectionName, secretKeys, type ConfigClass } from './configSection.js';
import { declaredKeys, typeOfKey } from './sectionKeys.js';
import { unknownKeys } from './unknownKeys.js';

export interface ConfigSources {
  daemonName: string;
  /** Usually `process.env`. */
  env: Record<string, string | undefined>;
  /** Parsed `.env` file; the environment wins over it. */
  dotenv: Record<string, string>;
  /** `section.key` → value from the command line (flags and `--set`); wins over everything. */
  cli: Map<string, { value: string; flag: string }>;
}

/** The validated, frozen config sections of one daemon. */
export class LoadedConfig {
  constructor(readonly sections: ReadonlyMap<ConfigClass, object>) {}

  get<T extends object>(section: ConfigClass<T>): T {
    const value = this.sections.get(section);
    if (value === undefined) throw new Error(`config section ${section.name} was not loaded`);
    return value as T;
  }

  /** Every key and value, secrets replaced by "[redacted]", for the start-up log. */
  describe(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [sectionClass, values] of this.sections) {
      const secrets = secretKeys(sectionClass);
      out[sectionName(sectionClass)] = Object.fromEntries(
        Object.entries(values).map(([key, value]) => [key, secrets.has(key) ? '[redacted]' : value]),
      );
    }
    return out;
  }
}

/** Reads every section from its sources, coerces, validates, and reports every problem at once. */
export function loadConfig(sectionClasses: Iterable<ConfigClass>, sources: ConfigSources): LoadedConfig {
  const problems: string[] = [];
  const known = new Set<string>();
  const sections = new Map<ConfigClass, object>();
  for (const sectionClass of new Set(sectionClasses)) {
    const section = sectionName(sectionClass);
    const secrets = secretKeys(sectionClass);
    // A rejected secret is still a secret: never echo it into logs or error output.
    const shown = (key: string, value: string): string => (secrets.has(key) ? '[redacted]' : value);
    const instance = new sectionClass() as Record<string, unknown>;
    for (const key of declaredKeys(sectionClass, instance)) {
      known.add(`${section}.${key}`);
      const found = findValue(sources, section, key);
      if (found === undefined) continue;
      const declaredType = typeOfKey(sectionClass, instance, key);
      const value = coerce(found.text, declaredType);
      if (value === undefined) {
        problems.push(
          `${section}.${key} = "${shown(key, found.text)}" from ${found.origin}: expected ${describeType(declaredType)}`,
        );
      } else {
        instance[key] = value;
      }
    }
    for (const error of validateSync(instance, { forbidUnknownValues: false })) {
      const key = error.property;
      const rules = Object.values(error.constraints ?? {}).join(', ');
      problems.push(
        `${section}.${key} = ${shown(key, JSON.stringify(error.value) ?? 'undefined')}: ${rules}; set ${envVarName(sources.daemonName, section, key)} or --set ${section}.${key}=<value>`,
      );
    }
    sections.set(sectionClass, Object.freeze(instance));
  }
  problems.push(...unknownKeys(sources, known));
  if (problems.length > 0) {
    throw new SwitchyardError(ErrorCodes.CONFIG_INVALID, `invalid config: ${problems.join(' | ')}`);
  }
  return new LoadedConfig(sections);
}

function findValue(
  sources: ConfigSources,
  section: string,
  key: string,
): { text: string; origin: string } | undefined {
  const fromCli = sources.cli.get(`${section}.${key}`);
  if (fromCli !== undefined) return { text: fromCli.value, origin: fromCli.flag };
  const envName = envVarName(sources.daemonName, section, key);
  const fromEnv = sources.env[envName];
  if (fromEnv !== undefined) return { text: fromEnv, origin: `environment ${envName}` };
  const fromDotenv = sources.dotenv[envName];
  if (fromDotenv !== undefined) return { text: fromDotenv, origin: `.env ${envName}` };
  return undefined;
}
