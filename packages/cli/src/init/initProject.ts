import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectFiles, type ProjectFile } from './projectFiles.js';
import { projectNames } from './projectNames.js';
import { transportPackages, type TransportChoice } from './transports.js';
import { writeProject } from './writeProject.js';

export interface InitOptions {
  /** Default: the folder's name. */
  readonly name?: string;
  /** Default: SQS and Kafka, with the embedded bus when neither is configured. */
  readonly transport?: TransportChoice;
  readonly sentry: boolean;
  readonly force: boolean;
}

export interface InitResult {
  readonly dir: string;
  readonly packageName: string;
  readonly files: readonly ProjectFile[];
}

// Shipped beside dist/ in the package (package.json "files").
const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Generates a service project in `dir`: the files of `projectFiles`, at this cli's version. */
export function initProject(dir: string, options: InitOptions): InitResult {
  const target = resolve(dir);
  const names = projectNames(options.name ?? basename(target));
  const files = projectFiles(
    {
      names,
      transports: transportPackages(options.transport),
      sentry: options.sentry,
      switchyardVersion: version,
    },
    (path) => readFileSync(`${TEMPLATES}${path}`, 'utf8'),
  );
  writeProject(target, files, options.force);
  return { dir: target, packageName: names.packageName, files };
}
