import type { ProjectNames } from './projectNames.js';
import type { TransportPackage } from './transports.js';

/**
 * The libraries whose decorator metadata the project shares with switchyard: peer dependencies
 * of @switchyard/core, so the project brings the one copy (the newest range core accepts).
 */
export const SHARED_METADATA_LIBRARIES: Readonly<Record<string, string>> = {
  'class-transformer': '^0.5.0',
  'class-validator': '^0.15.1',
  inversify: '^8.1.3',
  'reflect-metadata': '^0.2.2',
};

/**
 * What `build` and `test` need: TypeScript for the build; vitest with SWC (unplugin-swc) for the
 * tests, because vitest's default transform drops the decorator metadata the object graph reads.
 */
export const DEV_DEPENDENCIES: Readonly<Record<string, string>> = {
  '@swc/core': '^1.16.22',
  '@types/node': '^24.19.2',
  typescript: '^6.0.3',
  'unplugin-swc': '^2.0.0',
  vitest: '^5.1.1',
};

export interface ManifestInput {
  readonly names: ProjectNames;
  readonly transports: readonly TransportPackage[];
  readonly sentry: boolean;
  /** The version of @switchyard/cli generating the project: the @switchyard packages' version. */
  readonly switchyardVersion: string;
}

/** The @switchyard packages the generated daemon imports. */
export function switchyardPackages({ transports, sentry }: ManifestInput): string[] {
  return [
    '@switchyard/core',
    '@switchyard/observability',
    ...transports.map((transport) => transport.packageName),
    ...(sentry ? ['@switchyard/sentry'] : []),
  ];
}

/** The generated package.json, as text. */
export function packageManifest(input: ManifestInput): string {
  const range = `^${input.switchyardVersion}`;
  const dependencies = Object.fromEntries(
    [
      ...switchyardPackages(input).map((name) => [name, range] as const),
      ...Object.entries(SHARED_METADATA_LIBRARIES),
    ].sort(([a], [b]) => a.localeCompare(b)),
  );
  const manifest = {
    name: input.names.packageName,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=22.12' },
    scripts: { build: 'tsc -p tsconfig.json', start: 'node dist/main.js', test: 'vitest run' },
    dependencies,
    devDependencies: DEV_DEPENDENCIES,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
