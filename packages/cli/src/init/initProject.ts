import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processorFiles } from './processorFiles.js';
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
  /** A `switchyard process config.yaml` project instead of a daemon (no transport or Sentry choice). */
  readonly processor?: boolean;
}

export interface InitResult {
  readonly dir: string;
  readonly packageName: string;
  readonly files: readonly ProjectFile[];
}

// Shipped beside dist/ in the package (package.json "files").
const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Generates a service project in `dir` (`projectFiles`, or `processorFiles` with `processor`), at this cli's version. */
export function initProject(dir: string, options: InitOptions): InitResult {
  const target = resolve(dir);
  const names = projectNames(options.name ?? basename(target));
  const readTemplate = (path: string): string => readFileSync(`${TEMPLATES}${path}`, 'utf8');
  const files = options.processor
    ? processorFiles(names, version, readTemplate)
    : projectFiles(
        {
          names,
          transports: transportPackages(options.transport),
          sentry: options.sentry,
          switchyardVersion: version,
        },
        readTemplate,
      );
  writeProject(target, files, options.force);
  return { dir: target, packageName: names.packageName, files };
}
