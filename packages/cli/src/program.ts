import { createRequire } from 'node:module';
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `switchyard` command; each subcommand lives in commands/ and adds itself through COMMANDS. */
export function buildProgram(): Command {
  const program = new Command('switchyard')
    .description('switchyard: create, run and operate consumer daemons')
    .version(version)
    .exitOverride() // runCli turns commander's exits into exit codes
    .showHelpAfterError();
  for (const addCommand of COMMANDS) addCommand(program);
  return program;
}
