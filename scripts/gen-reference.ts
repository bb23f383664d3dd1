/**
 * Writes docs/reference/config.md and docs/reference/cli.md from the code itself: the config
 * sections of every package (keys, types and defaults at run time, descriptions from the JSDoc of
 * their source), the daemon's commander program and the `switchyard` command's (what `--help` prints).
 *
 *   npm run docs:reference        (builds, then runs this file with Node's type stripping)
 *
 * test/docs/reference.test.ts renders both again and fails when the committed files differ.
 */
import 'reflect-metadata';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildProgram } from '@switchyard/cli';
import { ConsumerDaemon, type ConfigClass, type DaemonPlugin, type TransportFactory } from '@switchyard/core';
import type { Command } from 'commander';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { natsTransportFactory } from '@switchyard/nats';
import { healthPlugin, tracingPlugin } from '@switchyard/observability';
import { RoutingConfig } from '@switchyard/routing';
import { RpcConfig } from '@switchyard/rpc';
import { sentryPlugin } from '@switchyard/sentry';
import { sqsTransportFactory } from '@switchyard/sqs';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CONFIG_REFERENCE = join(ROOT, 'docs/reference/config.md');
export const CLI_REFERENCE = join(ROOT, 'docs/reference/cli.md');

/** The name the reference is written for: its variables read `MY_DAEMON__…`. */
const DAEMON_NAME = 'my-daemon';
// commander wraps at the terminal's width; the reference must not depend on who generated it.
const HELP_WIDTH = 100;

/** What each package adds to a daemon that lists it (core's sections come with every daemon). */
const TRANSPORTS: ReadonlyArray<readonly [string, TransportFactory]> = [
  ['@switchyard/sqs', sqsTransportFactory],
  ['@switchyard/kafka', kafkaTransportFactory],
  ['@switchyard/nats', natsTransportFactory],
];
const PLUGINS: ReadonlyArray<readonly [string, DaemonPlugin]> = [
  ['@switchyard/observability', healthPlugin],
  ['@switchyard/observability', tracingPlugin],
  ['@switchyard/sentry', sentryPlugin],
];
/** Sections a daemon lists itself in `configSections` (routing's come with `routingDaemon`, rpc's with `ApiDaemon`). */
const OWN_SECTIONS: ReadonlyArray<readonly [string, ConfigClass]> = [
  ['@switchyard/routing', RoutingConfig],
  ['@switchyard/rpc', RpcConfig],
];

/** A daemon that lists every transport, plugin and section: its reference covers every key. */
class ReferenceDaemon extends ConsumerDaemon {
  readonly name = DAEMON_NAME;
  override readonly configSections = OWN_SECTIONS.map(([, section]) => section);
  override readonly transports = TRANSPORTS.map(([, transport]) => transport);
  override readonly plugins = PLUGINS.map(([, plugin]) => plugin);
}

/** A config class as its source declares it: where, its doc, and each field's doc and initializer. */
export interface SectionSource {
  readonly name: string;
  readonly className: string;
  readonly packageName: string;
  readonly file: string;
  readonly doc: string;
  readonly fields: ReadonlyMap<string, { readonly doc: string; readonly initializer?: string }>;
}

/** Every `@configSection('…')` class under packages/<name>/src, read with the TypeScript parser. */
export function sectionSources(root = ROOT): SectionSource[] {
  const found: SectionSource[] = [];
  for (const directory of readdirSync(join(root, 'packages')).sort()) {
    const packageName = packageNameOf(join(root, 'packages', directory));
    if (packageName === undefined) continue;
    for (const file of sourceFiles(join(root, 'packages', directory, 'src'))) {
      const text = readFileSync(file, 'utf8');
      if (!text.includes('@configSection(')) continue;
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      for (const statement of source.statements) {
        if (!ts.isClassDeclaration(statement) || statement.name === undefined) continue;
        const name = sectionNameOf(statement);
        if (name === undefined) continue;
        found.push({
          name,
          className: statement.name.text,
          packageName,
          file: relative(root, file),
          doc: docOf(statement),
          fields: fieldsOf(statement, source),
        });
      }
    }
  }
  return found;
}

function packageNameOf(directory: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name: string }).name;
  } catch {
    return undefined;
  }
}

function sourceFiles(directory: string): string[] {
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
    });
}

/** `configSection('sqs')` among the class's decorators → `sqs`. */
function sectionNameOf(node: ts.ClassDeclaration): string | undefined {
  for (const decorator of ts.getDecorators(node) ?? []) {
    const call = decorator.expression;
    if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) continue;
    if (call.expression.text !== 'configSection') continue;
    const [argument] = call.arguments;
    if (argument !== undefined && ts.isStringLiteral(argument)) return argument.text;
  }
  return undefined;
}

function docOf(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Each field's doc (empty when it has none) and initializer, as written. */
function fieldsOf(
  node: ts.ClassDeclaration,
  source: ts.SourceFile,
): Map<string, { doc: string; initializer?: string }> {
  const fields = new Map<string, { doc: string; initializer?: string }>();
  for (const member of node.members) {
    if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
    fields.set(member.name.text, { doc: docOf(member), initializer: member.initializer?.getText(source) });
  }
  return fields;
}

/** docs/reference/config.md */
export function renderConfigReference(): string {
  const sources = new Map(sectionSources().map((source) => [source.className, source]));
  const keys = new ReferenceDaemon().configReference();
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated by scripts/gen-reference.ts from the config sections: do not edit; run `npm run docs:reference`. -->',
    '',
    'Every key a daemon can read, by section. A key is set, from lowest to highest precedence, by its',
    'default, the `.env` file (`./.env`, or the one `--dotenv` names), the environment variable and the',
    'command line (its flag, or `--set section.key=value` for any key). Variables are named',
    `\`<DAEMON>__<SECTION>__<KEY>\`; this page shows them for a daemon named \`${DAEMON_NAME}\`: replace`,
    "`MY_DAEMON` with your daemon's name in capitals (`simple-consumer` → `SIMPLE_CONSUMER`).",
    '',
    'Lists are comma-separated, JSON objects are written as JSON, booleans as `true`/`false`. A section',
    "is read only by a daemon that lists it: core's always, a transport's or plugin's when the daemon",
    'lists that transport or plugin, its own ones in `configSections`. An unknown key stops the start.',
    '',
  ];
  const sections = [...new Set(keys.map((key) => key.sectionClass))];
  lines.push('| Section | Package | Class |', '| --- | --- | --- |');
  for (const sectionClass of sections) {
    const source = sourceOf(sources, sectionClass);
    lines.push(`| [\`${source.name}\`](#${source.name}) | ${source.packageName} | \`${source.className}\` |`);
  }
  for (const sectionClass of sections) {
    const source = sourceOf(sources, sectionClass);
    lines.push(
      '',
      `## ${source.name}`,
      '',
      `\`${source.className}\` in ${source.packageName} (\`${source.file}\`). ${source.doc}`,
      '',
    );
    lines.push('| Key | Type | Default | Environment variable | Flag | What it does |');
    lines.push('| --- | --- | --- | --- | --- | --- |');
    for (const key of keys.filter((candidate) => candidate.sectionClass === sectionClass)) {
      const field = source.fields.get(key.key);
      const flags = key.flags.map((flag) => `\`${flag}\``).join(', ');
      lines.push(
        `| \`${key.key}\` | ${cell(key.type + (key.secret ? ', secret (never logged)' : ''))} | ${cell(defaultText(key.defaultValue, field?.initializer))} | \`${key.envVar}\` | ${flags} | ${cell(field?.doc || '—')} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function sourceOf(sources: ReadonlyMap<string, SectionSource>, sectionClass: ConfigClass): SectionSource {
  const source = sources.get(sectionClass.name);
  if (source === undefined) throw new Error(`no source declares config section class ${sectionClass.name}`);
  return source;
}

/** The default as a new instance has it; an initializer that reads the process is shown as written. */
function defaultText(value: unknown, initializer: string | undefined): string {
  if (initializer !== undefined && initializer.includes('process.')) return `\`${initializer}\``;
  if (value === undefined) return '(required)';
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : `\`${value.join(',')}\``;
  if (value === '') return '(empty)';
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

/** docs/reference/cli.md */
export function renderCliReference(): string {
  const program = new ReferenceDaemon().cliProgram().configureHelp({ helpWidth: HELP_WIDTH });
  const packageOfFlag = new Map<string, string>();
  for (const [packageName, extension] of [...TRANSPORTS, ...PLUGINS])
    for (const flag of extension.flags) packageOfFlag.set(flag.flags, packageName);
  const lines = [
    '# Command-line reference',
    '',
    "<!-- Generated by scripts/gen-reference.ts from the daemon's commander program: do not edit; run `npm run docs:reference`. -->",
    '',
    "Every switchyard daemon takes these flags. Core's are always there; a transport's or plugin's",
    'flags are there when the daemon lists that transport or plugin. Flags that set a config key win',
    'over the environment and `.env` (see [the configuration reference](config.md)); `--set',
    'section.key=value` sets any key. Exit codes: 0 after a clean stop (or `--help`), 1 when the start',
    'fails or a fatal error stops the daemon (one line on standard error), 2 on a usage error.',
    '',
    '| Flag | Package | What it does |',
    '| --- | --- | --- |',
  ];
  for (const option of program.options) {
    if (option.hidden) continue;
    lines.push(
      `| \`${option.flags}\` | ${packageOfFlag.get(option.flags) ?? '@switchyard/core'} | ${cell(option.description)} |`,
    );
  }
  lines.push('| `-h, --help` | @switchyard/core | print the flags (as below) and exit 0 |');
  lines.push(
    '',
    `\`--help\`, for a daemon named \`${DAEMON_NAME}\` that lists every transport and plugin:`,
    '',
    '```text',
    program.helpInformation().trimEnd(),
    '```',
    '',
    '## The `switchyard` command',
    '',
    '`@switchyard/cli`: each command and what its `--help` prints. Exit codes: 0 done, 1 the work',
    'failed (one line on standard error naming the problem), 2 a wrong command line.',
    ...commandHelp(buildProgram()),
  );
  return `${lines.join('\n')}\n`;
}

/** `command`'s help and, in turn, each of its subcommands' (commander's `help` command aside). */
function commandHelp(command: Command, path = 'switchyard'): string[] {
  command.configureHelp({ helpWidth: HELP_WIDTH });
  const own = ['', `### \`${path}\``, '', '```text', command.helpInformation().trimEnd(), '```'];
  return [
    ...own,
    ...command.commands
      .filter((sub) => sub.name() !== 'help')
      .flatMap((sub) => commandHelp(sub, `${path} ${sub.name()}`)),
  ];
}

/** Run as a script: write both files. */
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(dirname(CONFIG_REFERENCE), { recursive: true });
  writeFileSync(CONFIG_REFERENCE, renderConfigReference());
  writeFileSync(CLI_REFERENCE, renderCliReference());
  process.stdout.write(
    `wrote ${relative(process.cwd(), CONFIG_REFERENCE)} and ${relative(process.cwd(), CLI_REFERENCE)}\n`,
  );
}
