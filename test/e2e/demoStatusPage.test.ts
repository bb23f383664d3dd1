import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../servers/freePort.js';
import { hasChromium, launchChromium } from '../support/chromium.js';

const chromiumHere = hasChromium('demo status page');
const MAIN = fileURLToPath(new URL('../../apps/demo/dist/main.js', import.meta.url));

let browser: Browser | undefined;
afterAll(() => browser?.close());

describe.skipIf(!chromiumHere)('the demo status page (headless Chromium)', () => {
  it('shows live per-stop counts that match the printed summary', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN, '--count', '3000', '--status-port', String(port)], {
      env: { PATH: process.env.PATH ?? '' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    browser = await launchChromium();
    const page = await browser.newPage();
    for (let tries = 0; ; tries += 1) {
      try {
        await page.goto(`http://127.0.0.1:${port}/`);
        break;
      } catch (error) {
        if (tries > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    // These expressions run in the browser (strings, so the Node-side program needs no DOM types).
    await page.waitForFunction(
      `document.querySelector('[data-field="finished"]')?.textContent === '3000'`,
      undefined,
      {
        timeout: 30_000,
      },
    );
    const onPage = await page.evaluate<Array<[string, string]>>(
      `[...document.querySelectorAll('#stops tr')].map((row) => [row.getAttribute('data-stop'),
        [...row.querySelectorAll('td[data-field]')].map((cell) => cell.getAttribute('data-field') + '=' + cell.textContent).join(' ')])`,
    );
    await page.screenshot({ path: join(tmpdir(), 'switchyard-demo-status.png') }); // for a person to look at
    expect(await exited).toBe(0);

    expect(onPage.map(([stop]) => stop)).toEqual(['source', 'contactpoint', 'whitelist', 'logstop']);
    for (const [stop, cells] of onPage) {
      const printed = stdout.split('\n').find((line) => line.startsWith(`${stop}:`));
      // Same fields, same order; the page's data-field for "delivered" is the counter's name, "ended".
      expect(cells).toBe(printed?.replace(/^[^:]+: /, '').replace('delivered=', 'ended='));
    }
  });
});
