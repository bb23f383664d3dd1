import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { runCommand, type AppRun, type RunOptions } from './runBuiltApp.js';

// Packing the workspace's packages (`npm pack`, after `npm test`'s build) and running npm in a
// project outside the repository, as a service would: real npm against the registry, no
// workspace links.

export const repo = fileURLToPath(new URL('../../', import.meta.url));

// The settings npm needs to reach the registry from here (a proxy, its CA), nothing else of ours.
const NETWORK = [
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
  'npm_config_registry',
  'npm_config_cafile',
  'npm_config_proxy',
  'npm_config_https_proxy',
  'npm_config_strict_ssl',
];

/** The environment of npm and of the project's processes: the network settings, HOME, and a PATH whose `node` runs this test. */
export const outsideEnv: Record<string, string> = {
  ...Object.fromEntries(NETWORK.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : []))),
  HOME: process.env.HOME ?? '',
  // npm runs on the Node that runs this test (Node 24 from node_modules/.bin under `npm test`).
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  npm_config_update_notifier: 'false',
  NO_COLOR: '1', // output the tests read
};

export function npm(args: string[], cwd: string, options: RunOptions = {}): Promise<AppRun> {
  return runCommand('npm', args, { ...options, cwd, env: { ...outsideEnv, ...options.env } });
}

/** `result`, after checking it exited 0 (else the assertion shows its output, headed by `what`). */
export function ok(result: AppRun, what: string): AppRun {
  expect(result.code, `${what}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/** The workspace packages a service can depend on: every packages/* package that is not private. */
export function publishablePackages(): string[] {
  const packagesDir = join(repo, 'packages');
  return readdirSync(packagesDir)
    .flatMap((dir) => {
      try {
        const manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as {
          name: string;
          private?: boolean;
        };
        return manifest.private === true ? [] : [manifest.name];
      } catch {
        return []; // not a package folder
      }
    })
    .sort();
}

export interface PackedPackage {
  readonly tarball: string;
  /** The tarball's files, `package/…`. */
  readonly files: string[];
  /** Where it was unpacked (the folder holding its package.json). */
  readonly unpacked: string;
}

/** Packs `names` (workspace package names) into `work`/packs and unpacks each into `work`/unpacked. */
export async function packPackages(
  names: readonly string[],
  work: string,
): Promise<Map<string, PackedPackage>> {
  const packs = join(work, 'packs');
  mkdirSync(packs, { recursive: true });
  const workspaces = names.flatMap((name) => ['-w', name]);
  const pack = ok(
    await npm(['pack', '--json', '--pack-destination', packs, ...workspaces], repo),
    'npm pack',
  );
  const packed = new Map<string, PackedPackage>();
  for (const { name, filename } of JSON.parse(pack.stdout) as { name: string; filename: string }[]) {
    const tarball = join(packs, filename);
    const listing = ok(await runCommand('tar', ['-tzf', tarball]), `tar -tzf ${filename}`).stdout;
    const unpacked = join(work, 'unpacked', name);
    mkdirSync(unpacked, { recursive: true });
    ok(await runCommand('tar', ['-xzf', tarball, '-C', unpacked]), `tar -xzf ${filename}`);
    const files = listing.split('\n').filter((line) => line !== '' && !line.endsWith('/'));
    packed.set(name, { tarball, files, unpacked: join(unpacked, 'package') });
  }
  return packed;
}
