import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ACCOUNTS = 1000;

export const accountId = (index: number): string => `ACC-${String(index).padStart(6, '0')}`;
const emailOf = (index: number): string => `customer${index}@example.test`;

/**
 * The demo's fixed data, derived from the account number so every run agrees: 4 in 5 accounts
 * have a contact e-mail (the contact cache), and 3 in 4 of those e-mails are whitelisted.
 */
export function contactCache(): Map<string, string> {
  const cache = new Map<string, string>();
  for (let index = 0; index < ACCOUNTS; index += 1)
    if (index % 5 !== 0) cache.set(accountId(index), emailOf(index));
  return cache;
}

/** Writes the whitelist data file the whitelist stop loads once at start; returns its path. */
export function writeWhitelistFile(directory: string): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, 'whitelist.txt');
  const lines: string[] = [];
  for (let index = 0; index < ACCOUNTS; index += 1) if (index % 4 !== 0) lines.push(emailOf(index));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
