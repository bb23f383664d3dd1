import { relative } from 'node:path';
import { Option, type Command } from 'commander';
import { initProject } from '../init/initProject.js';
import { TRANSPORT_CHOICES, type TransportChoice } from '../init/transports.js';
import type { AddCommand } from './index.js';

interface InitFlags {
  transport?: TransportChoice;
  sentry: boolean;
  force: boolean;
  name?: string;
  processor: boolean;
}

/** `switchyard init <dir>`: a new service project (schema, handler, daemon, test) in `dir`. */
export const addInitCommand: AddCommand = (program: Command) => {
  program
    .command('init')
    .description('create a service project: a schema, a handler with a collaborator, the daemon, its test')
    .argument('<dir>', 'the folder to create it in (new or empty)')
    .addOption(
      new Option(
        '--transport <name>',
        'the one transport to list (default: sqs and kafka; the embedded bus when neither is configured)',
      ).choices(TRANSPORT_CHOICES),
    )
    .option('--sentry', 'add @switchyard/sentry (error reporting, off until enabled)', false)
    .addOption(
      new Option(
        '--processor',
        'a project for switchyard process instead: config.yaml (an HTTP source to start with), handler/handler.ts, its test',
      )
        .default(false)
        .conflicts(['transport', 'sentry']),
    )
    .option('--name <name>', 'the package name (default: the folder name)')
    .option(
      '--force',
      'write into a folder that is not empty (files of the same name are overwritten)',
      false,
    )
    .action((dir: string, flags: InitFlags) => {
      const result = initProject(dir, flags);
      const shown = relative(process.cwd(), result.dir) || '.';
      const run = flags.processor ? 'npm start' : 'npm run build && npm start -- --count 5';
      process.stdout.write(
        `Created ${result.packageName} in ${shown} (${result.files.length} files). Next:\n` +
          `  cd ${shown}\n  npm install\n  npm test\n  ${run}\n`,
      );
    });
};
