import { spawnSync } from 'node:child_process';

/**
 * Whether a command-line tool (java, mvn, kcat) can run. On a laptop without it, a suite that
 * needs it is skipped with a loud message naming what is missing; in CI (`CI=true`) a missing tool
 * is a failure, never a skip.
 */
export function requireTool(command: string, versionArgs: string[], suite: string): boolean {
  const result = spawnSync(command, versionArgs, { stdio: 'ignore' });
  if (result.status === 0) return true;
  const message = `${suite}: "${command}" is not available, so this suite cannot start its server`;
  if (process.env.CI === 'true') throw new Error(`${message} (CI requires it)`);
  process.stderr.write(`\n*** SKIPPED ${message}. Install it to run this suite. ***\n\n`);
  return false;
}
