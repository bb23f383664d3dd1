import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type InstallResult =
  { readonly kind: 'none'; readonly why: string } | { readonly kind: 'installed'; readonly command: string };

/**
 * Installs the dependencies of the package.json beside the handler (bruco's pip step): `npm ci`
 * when a lock file is there (exact, checked versions), else `npm install`. Off with
 * SWITCHYARD_DISABLE_NPM=true, for images that ran `switchyard process --install-only` at build.
 */
export async function installDependencies(
  handlerPath: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<InstallResult> {
  if (!existsSync(join(handlerPath, 'package.json')))
    return { kind: 'none', why: `no package.json in ${handlerPath}` };
  if (env.SWITCHYARD_DISABLE_NPM === 'true') return { kind: 'none', why: 'SWITCHYARD_DISABLE_NPM=true' };
  const locked =
    existsSync(join(handlerPath, 'package-lock.json')) ||
    existsSync(join(handlerPath, 'npm-shrinkwrap.json'));
  const args = locked ? ['ci'] : ['install'];
  args.push('--no-audit', '--no-fund', '--omit=dev');
  const command = `npm ${args.join(' ')}`;
  const output: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('npm', args, {
      cwd: handlerPath,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', (error) =>
      reject(new Error(`cannot run ${command} in ${handlerPath}: ${error.message}`)),
    );
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  if (code !== 0) {
    const tail = output.join('').trim().split('\n').slice(-5).join(' | ');
    throw new Error(
      `${command} in ${handlerPath} failed (exit ${code}): ${tail}; fix the handler's package.json, or set SWITCHYARD_DISABLE_NPM=true if its node_modules is already installed`,
    );
  }
  return { kind: 'installed', command };
}
