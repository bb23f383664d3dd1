import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { CliError } from './CliError.js';

/**
 * Runs the `switchyard` command and returns its exit code: 0 done, 1 the work failed (a broker
 * refused, a file is missing), 2 the command line is wrong. Every failure ends in one line on stderr
 * that names the problem; a stack trace only with SWITCHYARD_DEBUG=1.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // commander printed it
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`switchyard: ${message}\n`);
    if (process.env['SWITCHYARD_DEBUG'] === '1' && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
