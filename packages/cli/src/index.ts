export { runCli } from './runCli.js';
export { buildProgram } from './program.js';
export { CliError } from './CliError.js';
export type { AddCommand } from './commands/index.js';
