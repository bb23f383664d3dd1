import { chromium, type Browser } from 'playwright-core';
import { requireTool } from '../servers/requireTool.js';

/** Debian's Chromium (`.ci/run` installs it), driven by playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';

// Flags for a closed network: no background requests that would be refused.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether Chromium is there; says loudly which suite skips without it (and fails under CI=true). */
export function hasChromium(suite: string): boolean {
  return requireTool(CHROMIUM, ['--version'], suite);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}
