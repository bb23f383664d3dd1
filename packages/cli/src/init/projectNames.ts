import { CliError } from '../CliError.js';

/** The names one project name gives the generated files. */
export interface ProjectNames {
  /** package.json's name, as given (`my-service` or `@acme/my-service`). */
  readonly packageName: string;
  /** The daemon's name: the package name without its scope (logs, the environment prefix). */
  readonly daemonName: string;
  /** `my-service` → `MyServiceDaemon`. */
  readonly daemonClass: string;
  /** `my-service` → `MY_SERVICE`, the first segment of every environment variable. */
  readonly envSegment: string;
  readonly mediaType: string;
}

// npm's rule for new package names: lower case, URL-safe, an optional scope, at most 214 characters.
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** The names for `packageName`; a name npm would refuse is a command-line error (exit code 2). */
export function projectNames(packageName: string): ProjectNames {
  if (packageName.length > 214 || !PACKAGE_NAME.test(packageName) || !/[a-z0-9]/.test(packageName)) {
    throw new CliError(
      `"${packageName}" is not a valid package name (lower case letters, digits, - . _ ~, an optional @scope/): pass one with --name`,
      2,
    );
  }
  const daemonName = packageName.replace(/^@[^/]+\//, '');
  const words = daemonName.split(/[^a-z0-9]+/).filter((word) => word !== '');
  const pascal = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
  // A class name cannot start with a digit; `Daemon` ends it once.
  const base = /^\d/.test(pascal) ? `Service${pascal}` : pascal;
  const daemonClass = base.endsWith('Daemon') ? base : `${base}Daemon`;
  return {
    packageName,
    daemonName,
    daemonClass,
    // As @switchyard/core derives it from the daemon's name.
    envSegment: daemonName.replace(/[^a-z0-9]+/g, '_').toUpperCase(),
    mediaType: `application/vnd.${words.join('-')}.greeting`,
  };
}
