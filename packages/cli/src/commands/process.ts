import type { Command } from 'commander';
import { CONFIG_SCHEMA, installOnly, prepareProcessor } from '@switchyard/processor';
import { CliError } from '../CliError.js';
import type { AddCommand } from './index.js';

interface ProcessFlags {
  printConfigSchema: boolean;
  installOnly: boolean;
  set: string[];
  count?: string;
  debug: boolean;
  healthcheckPort?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `switchyard process config.yaml`: bruco's processor. A source, a pool of workers running the
 * handler module, a sink, all from one YAML file (see @switchyard/processor's README).
 */
export const addProcessCommand: AddCommand = (program: Command) => {
  program
    .command('process')
    .description('run a stream processor from config.yaml: source → worker pool running handleEvent → sink')
    .argument('[config]', 'the config file', 'config.yaml')
    .option('--print-config-schema', 'print the JSON Schema of config.yaml and exit', false)
    .option(
      '--install-only',
      "install the handler's package.json dependencies and exit (at build time)",
      false,
    )
    .option(
      '--set <path=value>',
      'override a config.yaml key (processor.workers=4) or a daemon key (daemon.logLevel=debug); repeatable',
      collect,
      [],
    )
    .option('--count <n>', 'stop after N messages reach their outcome, print the summary')
    .option('--debug', 'log at debug level', false)
    .option('--healthcheck-port <port>', 'serve /health/live, /health/ready and /metrics on this port')
    .action(async (file: string, flags: ProcessFlags) => {
      if (flags.printConfigSchema) {
        process.stdout.write(`${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`);
        return;
      }
      if (flags.installOnly) {
        const result = await installOnly(file, { sets: flags.set });
        process.stdout.write(
          result.kind === 'installed'
            ? `installed with ${result.command}\n`
            : `nothing to install: ${result.why}\n`,
        );
        return;
      }
      const extraArgv = [
        ...(flags.count === undefined ? [] : ['--count', flags.count]),
        ...(flags.debug ? ['--debug'] : []),
        ...(flags.healthcheckPort === undefined ? [] : ['--set', `health.port=${flags.healthcheckPort}`]),
      ];
      const prepared = await prepareProcessor(file, { sets: flags.set, extraArgv });
      try {
        await prepared.daemon.main(['node', 'switchyard', ...prepared.argv]);
      } finally {
        await prepared.pool.close();
      }
      // The daemon has printed its one line (a start failure, or a fatal error) already.
      if (typeof process.exitCode === 'number' && process.exitCode !== 0)
        throw new CliError(`process: the processor stopped with exit code ${process.exitCode}`, 1);
    });
};
