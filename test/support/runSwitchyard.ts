import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '@switchyard/cli';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the `switchyard` command from source in this process (`runCli`, as `main.ts` does), its
 * standard output and error captured. One run at a time: it swaps `process.stdout.write`.
 */
export async function switchyard(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const outWrite = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    stdout += String(chunk);
    return true;
  };
  process.stderr.write = (chunk: string | Uint8Array): boolean => {
    stderr += String(chunk);
    return true;
  };
  try {
    const code = await runCli(['node', 'switchyard', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
  }
}

/** The JSON document a `--json` run printed. */
export function jsonOf<T = Record<string, unknown>>(run: CliRun): T {
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

const root = new URL('../../', import.meta.url);
// Every workspace package from its source, the TypeScript compiled by the Kafka suite's child loader.
const aliases = Object.fromEntries(
  ['core', 'kafka', 'sqs', 'nats', 'processor', 'cli'].map((name) => [
    `@switchyard/${name}`,
    new URL(`packages/${name}/src/index.ts`, root).href,
  ]),
);
const aliasHook =
  'data:text/javascript,' +
  encodeURIComponent(
    `import { registerHooks } from 'node:module';
const aliases = ${JSON.stringify(aliases)};
registerHooks({ resolve: (specifier, context, next) =>
  aliases[specifier] === undefined ? next(specifier, context) : { url: aliases[specifier], shortCircuit: true } });`,
  );

/** The `switchyard` command from source in a child process (`packages/cli/src/main.ts`), to be killed. */
export function spawnSwitchyard(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      fileURLToPath(new URL('test/kafka/child/register.ts', root)),
      '--import',
      aliasHook,
      fileURLToPath(new URL('packages/cli/src/main.ts', root)),
      ...args,
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}
