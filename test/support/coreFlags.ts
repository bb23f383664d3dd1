/** The flags every switchyard daemon has; `--help` and the README must both list them. */
export const CORE_FLAGS = [
  '--debug',
  '--testing',
  '--concurrency',
  '--transport',
  '--count',
  '--replay',
  '--stdin',
  '--set',
  '--dotenv',
  '--env-file',
];
