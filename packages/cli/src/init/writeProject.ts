import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from '../CliError.js';
import type { ProjectFile } from './projectFiles.js';

/**
 * Why `dir` cannot take a new project, or undefined if it can: it is a file, or a folder with
 * anything in it (without `force`). Refusing keeps an existing project from being overwritten.
 */
export function refusal(dir: string, force: boolean): string | undefined {
  if (!existsSync(dir)) return undefined;
  if (!statSync(dir).isDirectory()) return `${dir} exists and is not a folder: choose another path`;
  const entries = readdirSync(dir);
  if (entries.length === 0 || force) return undefined;
  const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
  return `${dir} is not empty (${shown}): choose an empty or new folder, or pass --force to write into it (files of the same name are overwritten)`;
}

/** Writes `files` under `dir` (created if missing); refuses as `refusal` says, exit code 2. */
export function writeProject(dir: string, files: readonly ProjectFile[], force: boolean): void {
  const reason = refusal(dir, force);
  if (reason !== undefined) throw new CliError(reason, 2);
  for (const file of files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
}
