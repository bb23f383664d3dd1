/** Naming conventions between config keys, environment variables and flags. */

/** `simple-consumer` → `SIMPLE_CONSUMER`, `maxAttempts` → `MAX_ATTEMPTS`. */
export function toEnvSegment(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9]+/g, '_')
    .toUpperCase();
}

/** The environment variable for one key: `<DAEMON>__<SECTION>__<KEY>`. */
export function envVarName(daemonName: string, section: string, key: string): string {
  return [daemonName, section, key].map(toEnvSegment).join('__');
}

export function envPrefix(daemonName: string): string {
  return `${toEnvSegment(daemonName)}__`;
}
