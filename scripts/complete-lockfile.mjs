#!/usr/bin/env node
// Adds lock entries for platform-specific optional packages (e.g. @swc/core-darwin-arm64) that
// npm could not resolve because the registry mirror on our build machines serves Linux packages
// only. Without the entries `npm ci` refuses the lock ("Missing: … from lock file") everywhere.
// Each entry carries os/cpu/libc, so npm skips it on other platforms and fetches it by version on
// its own. Run after `npm install` changes dependencies: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const OS = ['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32'];
const CPU = ['arm64', 'arm', 'ia32', 'loong64', 'ppc64', 's390x', 'riscv64', 'x64'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const osIndex = parts.findIndex((part) => OS.includes(part));
  const cpu = parts[osIndex + 1];
  if (osIndex < 0 || !CPU.includes(cpu)) return undefined;
  const abi = parts[osIndex + 2] ?? '';
  const platform = { os: [parts[osIndex]], cpu: [cpu] };
  if (parts[osIndex] === 'linux') platform.libc = [abi.startsWith('musl') ? 'musl' : 'glibc'];
  return platform;
}

let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const platform = platformOf(name);
    if (lock.packages[key] !== undefined || platform === undefined) continue;
    lock.packages[key] = { version, ...platform, optional: true, ...(entry.dev ? { dev: true } : {}) };
    added += 1;
  }
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(LOCK, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
