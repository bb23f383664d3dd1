import { Command, Option } from 'commander';
import type { CliFlag } from '../plugins/DaemonPlugin.js';

/** Flags every daemon has that set a config key. */
export const CORE_FLAGS: readonly CliFlag[] = [
  { flags: '--concurrency <n>', description: 'messages handled at once', configKey: 'consumer.concurrency' },
  {
    flags: '--transport <name>',
    description: 'transport to consume from when several are configured (kafka, sqs, memory)',
    configKey: 'daemon.transport',
  },
];

/** `section.key` → the flags that set it (aliases included), `--debug` and `--testing` too. */
export function flagsByConfigKey(flags: readonly CliFlag[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>([
    ['daemon.logLevel', ['--debug']],
    ['daemon.testing', ['--testing']],
  ]);
  for (const flag of [...CORE_FLAGS, ...flags]) {
    const spellings = [flag.flags, ...(flag.aliases ?? [])].map(
      (spelling) => spelling.split(' ')[0] ?? spelling,
    );
    byKey.set(flag.configKey, [...(byKey.get(flag.configKey) ?? []), ...spellings]);
  }
  return byKey;
}

export interface CliOptions {
  debug: boolean;
  testing: boolean;
  /** Stop after this many messages reach a final outcome. */
  count?: number;
  replay?: string;
  stdin: boolean;
  /**
   * The .env file named by `--dotenv` (or `--env-file`), which must exist, and the flag that named
   * it; undefined: `./.env` is read if it exists.
   */
  envFile?: { readonly path: string; readonly flag: string };
  /** `section.key` → value and the flag that set it. */
  config: Map<string, { value: string; flag: string }>;
}

/**
 * The daemon's commander program: every flag `--help` prints, transport and plugin flags included
 * (the CLI reference, docs/reference/cli.md, is generated from it).
 */
export function buildProgram(daemonName: string, flags: readonly CliFlag[]): Command {
  const program = new Command(daemonName)
    .description(`${daemonName}: a switchyard consumer daemon`)
    .exitOverride()
    .option('--debug', 'log at debug level', false)
    .option('--testing', 'testing mode: report nothing to external services', false)
    .option(
      '--count <n>',
      'stop after N messages reach a final outcome, print the summary, exit 0',
      positiveInteger,
    )
    .option('--replay <file>', 'consume recorded messages from a file (one JSON message per line), then exit')
    .option('--stdin', 'consume messages from standard input (one JSON message per line), then exit', false)
    .option(
      '--dotenv <path>',
      'read config from this .env file; it must exist: a missing one stops the start (exit 1) naming it. ' +
        'Without --dotenv, ./.env is read if it exists',
    )
    .option(
      '--env-file <path>',
      'as --dotenv, but Node checks this flag itself before the daemon runs: a missing file makes ' +
        '`node` print "node: <path>: not found" and exit 9 (use --dotenv)',
    )
    .option('--set <section.key=value>', 'set any config key (repeatable)', collect, [] as string[]);
  for (const flag of [...CORE_FLAGS, ...flags]) {
    // Aliases are hidden as options of their own (one line per key), but named in the help text.
    const aliases = (flag.aliases ?? []).map((alias) => alias.split(' ')[0]).join(', ');
    const description = `${flag.description} (config ${flag.configKey}${flag.repeatable === true ? ', repeatable' : ''}${aliases === '' ? '' : `; alias ${aliases}`})`;
    if (flag.repeatable === true) program.option(flag.flags, description, collect, [] as string[]);
    else program.option(flag.flags, description);
    for (const alias of flag.aliases ?? [])
      program.addOption(new Option(alias, `alias of ${flag.flags}`).hideHelp());
  }
  return program;
}

/** Parses the command line with commander; `--help` prints every flag, transport flags included. */
export function parseCli(daemonName: string, argv: readonly string[], flags: readonly CliFlag[]): CliOptions {
  const program = buildProgram(daemonName, flags);
  program.parse(argv, { from: 'user' });
  const parsed = program.opts<Record<string, unknown>>();
  const config = new Map<string, { value: string; flag: string }>();
  for (const assignment of parsed.set as string[]) {
    const equals = assignment.indexOf('=');
    // Without "=" the argument holds no value to leak; "=value" without a key might.
    if (equals < 0) throw new Error(`--set ${assignment}: expected section.key=value`);
    if (equals === 0) throw new Error('--set: the key is missing before "=": expected section.key=value');
    const key = assignment.slice(0, equals);
    // The source names the key only: errors print it, and the value may be a secret.
    config.set(key, { value: assignment.slice(equals + 1), flag: `--set ${key}` });
  }
  for (const flag of [...CORE_FLAGS, ...flags]) {
    for (const spelling of [flag.flags, ...(flag.aliases ?? [])]) {
      const given = parsed[optionKey(spelling)] as string | boolean | string[] | undefined;
      const value = Array.isArray(given) ? (given.length > 0 ? given.join(',') : undefined) : given;
      if (value !== undefined)
        config.set(flag.configKey, { value: String(value), flag: spelling.split(' ')[0] ?? spelling });
    }
  }
  if (parsed.debug === true) config.set('daemon.logLevel', { value: 'debug', flag: '--debug' });
  if (parsed.testing === true) config.set('daemon.testing', { value: 'true', flag: '--testing' });
  return {
    debug: parsed.debug === true,
    testing: parsed.testing === true,
    count: parsed.count as number | undefined,
    replay: parsed.replay as string | undefined,
    stdin: parsed.stdin === true,
    envFile: envFileOf(parsed),
    config,
  };
}

function envFileOf(parsed: Record<string, unknown>): CliOptions['envFile'] {
  if (typeof parsed.dotenv === 'string') return { path: parsed.dotenv, flag: '--dotenv' };
  if (typeof parsed.envFile === 'string') return { path: parsed.envFile, flag: '--env-file' };
  return undefined;
}

/** `--queue-url <url>` → `queueUrl`, as commander names it. */
function optionKey(flags: string): string {
  const long = flags.split(' ')[0]!.replace(/^--/, '');
  return long.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--count: expected a whole number >= 1, got "${text}"`);
  return value;
}
