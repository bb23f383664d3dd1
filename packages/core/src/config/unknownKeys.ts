import { closestName } from './closestName.js';
import { envPrefix, envVarName, toEnvSegment } from './configKeys.js';
import { declaredSectionNames, sectionsNamed } from './configSection.js';

/**
 * A misspelt key must fail loudly rather than leave its default silently in force. Each problem
 * names where the key came from and the fix: the nearest real key ("did you mean"), or that its
 * section exists but the daemon does not list it in `configSections`.
 */
export function unknownKeys(
  sources: {
    readonly daemonName: string;
    readonly env: Record<string, string | undefined>;
    readonly dotenv: Record<string, string>;
    readonly cli: ReadonlyMap<string, { readonly flag: string }>;
  },
  known: ReadonlySet<string>,
): string[] {
  const loaded = new Set([...known].map((dotted) => dotted.split('.')[0] ?? ''));
  const knownEnv = new Map<string, string>();
  for (const dotted of known) {
    const [section = '', key = ''] = dotted.split('.');
    knownEnv.set(envVarName(sources.daemonName, section, key), dotted);
  }
  const prefix = envPrefix(sources.daemonName);
  const problems: string[] = [];
  for (const [origin, names] of [
    ['environment', Object.keys(sources.env)],
    ['.env', Object.keys(sources.dotenv)],
  ] as const) {
    for (const name of names) {
      if (!name.startsWith(prefix) || knownEnv.has(name)) continue;
      const segment = name.slice(prefix.length).split('__')[0] ?? '';
      const section = [...declaredSectionNames()].find(
        (declared) => !loaded.has(declared) && toEnvSegment(declared) === segment,
      );
      const nearest = closestName(name, knownEnv.keys());
      problems.push(
        `${origin} ${name} is not a config key of this daemon` +
          (section !== undefined
            ? `: ${unlisted(section)}`
            : nearest !== undefined
              ? `; did you mean ${nearest} (${knownEnv.get(nearest)})?`
              : `; its sections are ${[...loaded].join(', ')} (see docs/reference/config.md)`),
      );
    }
  }
  for (const [dotted, { flag }] of sources.cli) {
    if (known.has(dotted)) continue;
    const section = dotted.split('.')[0] ?? '';
    const nearest = closestName(dotted, known);
    problems.push(
      `${flag}: "${dotted}" is not a config key` +
        (!loaded.has(section) && sectionsNamed(section).length > 0
          ? ` of this daemon: ${unlisted(section)}`
          : nearest !== undefined
            ? `; did you mean ${nearest}?`
            : `; ${keysHint(section, known, loaded)}`),
    );
  }
  return problems;
}

/** The section is declared (its class was imported) but this daemon does not load it. */
function unlisted(section: string): string {
  const classes = [...new Set(sectionsNamed(section).map((sectionClass) => sectionClass.name))].join(' or ');
  return (
    `the section "${section}" exists (${classes}) but the daemon does not list it in configSections; ` +
    `add ${classes} to the daemon's configSections (or list the transport or plugin that brings it)`
  );
}

/** No near key: the keys of the section named, or the sections there are. */
function keysHint(section: string, known: ReadonlySet<string>, loaded: ReadonlySet<string>): string {
  if (!loaded.has(section)) return `the daemon's sections are ${[...loaded].join(', ')}`;
  const keys = [...known]
    .filter((dotted) => dotted.startsWith(`${section}.`))
    .map((dotted) => dotted.slice(section.length + 1));
  return `the ${section} section's keys are ${keys.join(', ')}`;
}
