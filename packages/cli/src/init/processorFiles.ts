import { DEV_DEPENDENCIES, SHARED_METADATA_LIBRARIES } from './packageManifest.js';
import type { ProjectFile, ReadTemplate } from './projectFiles.js';
import type { ProjectNames } from './projectNames.js';
import { renderTemplate } from './renderTemplate.js';

/**
 * `switchyard init --processor`: a project for `switchyard process config.yaml` instead of a
 * daemon of its own. The handler sits in handler/ so that a package.json of its own there (which
 * the processor installs with --omit=dev before the workers start) never touches the project's
 * tools; the project's package.json holds the switchyard command and the test tools.
 */
const TEMPLATE_FILES: ReadonlyArray<readonly [template: string, path: string]> = [
  ['processor/README.md', 'README.md'],
  ['gitignore', '.gitignore'],
  ['processor/tsconfig.json', 'tsconfig.json'],
  ['processor/config.yaml.tmpl', 'config.yaml'],
  ['processor/handler/handler.ts.tmpl', 'handler/handler.ts'],
  ['processor/test/handler.test.ts.tmpl', 'test/handler.test.ts'],
];

/** The processor's `name` (logs, metrics, the environment prefix): config.yaml allows [a-z][a-z0-9-]*. */
export function processorName(names: ProjectNames): string {
  const name = names.daemonName.replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(name) ? name : `processor-${name}`.replace(/-+$/, '');
}

/** Every file of a new processor project, in the order they are written. */
export function processorFiles(
  names: ProjectNames,
  switchyardVersion: string,
  readTemplate: ReadTemplate,
): ProjectFile[] {
  const values = { packageName: names.packageName, daemonName: processorName(names) };
  return [
    { path: 'package.json', content: processorManifest(names, switchyardVersion) },
    ...TEMPLATE_FILES.map(([template, path]) => ({
      path,
      content: renderTemplate(readTemplate(template), values),
    })),
  ];
}

/** The generated package.json: `npm start` is `switchyard process config.yaml`; `build` typechecks. */
export function processorManifest(names: ProjectNames, switchyardVersion: string): string {
  const range = `^${switchyardVersion}`;
  const dependencies = Object.fromEntries(
    [
      // The command, the handler's RejectMessage/SkipMessage, the config loader and types.
      ...['@switchyard/cli', '@switchyard/core', '@switchyard/processor'].map(
        (name) => [name, range] as const,
      ),
      // @switchyard/core's peer dependencies: the project brings the one copy.
      ...Object.entries(SHARED_METADATA_LIBRARIES),
    ].sort(([a], [b]) => a.localeCompare(b)),
  );
  const { typescript, vitest } = DEV_DEPENDENCIES;
  const manifest = {
    name: names.packageName,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=22.12' },
    scripts: { build: 'tsc -p tsconfig.json', start: 'switchyard process config.yaml', test: 'vitest run' },
    dependencies,
    devDependencies: { '@types/node': DEV_DEPENDENCIES['@types/node'], typescript, vitest },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
