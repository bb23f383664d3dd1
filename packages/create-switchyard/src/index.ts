import { runCli } from '@switchyard/cli';

/**
 * `npm create switchyard <dir> [options]` runs `create-switchyard <dir> [options]`: that is
 * `switchyard init <dir> [options]`, with the same options and exit codes (0 done, 2 a wrong
 * command line or a folder that is not empty).
 */
export function createSwitchyard(argv: readonly string[]): Promise<number> {
  const [node = 'node', script = 'create-switchyard', ...args] = argv;
  return runCli([node, script, 'init', ...args]);
}
