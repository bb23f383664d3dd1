import { packageManifest, type ManifestInput } from './packageManifest.js';
import { renderTemplate } from './renderTemplate.js';

/** One file of the generated project: its path in the project and its text. */
export interface ProjectFile {
  readonly path: string;
  readonly content: string;
}

/** Reads one template by its path under templates/ (injected, so the plan stays pure). */
export type ReadTemplate = (path: string) => string;

/**
 * Each template and where it goes. TypeScript templates end in .tmpl (their placeholders are not
 * TypeScript, so the repository's linters skip them); npm pack drops files named .gitignore.
 */
const TEMPLATE_FILES: ReadonlyArray<readonly [template: string, path: string]> = [
  ['README.md', 'README.md'],
  ['.env.example', '.env.example'],
  ['gitignore', '.gitignore'],
  ['tsconfig.json', 'tsconfig.json'],
  ...[
    'vitest.config.ts',
    'src/Greeting.ts',
    'src/Greeter.ts',
    'src/GreetingHandler.ts',
    'src/daemon.ts',
    'src/publishGreetings.ts',
    'src/main.ts',
    'test/setup.ts',
    'test/daemon.test.ts',
  ].map((path) => [`${path}.tmpl`, path] as const),
];

/** Every file of a new project, in the order they are written. */
export function projectFiles(input: ManifestInput, readTemplate: ReadTemplate): ProjectFile[] {
  const values = templateValues(input, readTemplate);
  return [
    { path: 'package.json', content: packageManifest(input) },
    ...TEMPLATE_FILES.map(([template, path]) => ({
      path,
      content: renderTemplate(readTemplate(template), values),
    })),
  ];
}

/** The values of the templates' placeholders. */
export function templateValues(input: ManifestInput, readTemplate: ReadTemplate): Record<string, string> {
  const { names, transports, sentry } = input;
  const naming = {
    packageName: names.packageName,
    daemonName: names.daemonName,
    daemonClass: names.daemonClass,
    envSegment: names.envSegment,
    envPrefix: `${names.envSegment}__`,
    mediaType: names.mediaType,
  };
  const partial = (path: string): string => renderTemplate(readTemplate(path), naming);
  const plugins = [
    { packageName: '@switchyard/observability', factory: 'healthPlugin' },
    ...(sentry ? [{ packageName: '@switchyard/sentry', factory: 'sentryPlugin' }] : []),
  ];
  const imports = [...transports, ...plugins]
    .map(({ packageName, factory }) => `import { ${factory} } from '${packageName}';`)
    .sort();
  const selected = transports.map((transport) => transport.selectedBy);
  return {
    ...naming,
    imports: imports.join('\n'),
    transports: transports.map((transport) => transport.factory).join(', '),
    transportComment:
      selected.length === 0
        ? 'None: the embedded in-memory bus. Add @switchyard/sqs, kafka or nats to consume from a broker.'
        : `${selected.join(', ')}, else the embedded in-memory bus.`,
    plugins: plugins.map((plugin) => plugin.factory).join(', '),
    pluginComment: sentry
      ? `Each off until configured: --healthcheck-port; ${naming.envPrefix}SENTRY__ENABLED=true and a DSN.`
      : 'Off until configured: --healthcheck-port serves the health check.',
    transportDocs: [
      partial('readme/memory.md'),
      ...transports.map((transport) => partial(`readme/${transport.id}.md`)),
    ].join('\n'),
    sentryDocs: sentry ? `\n${partial('readme/sentry.md')}` : '',
    envSections: [
      ...transports.map((transport) => partial(`env/${transport.id}.env`)),
      ...(sentry ? [partial('env/sentry.env')] : []),
    ].join(''),
  };
}
