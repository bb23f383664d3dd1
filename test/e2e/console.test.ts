import 'reflect-metadata';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryBroker, RejectMessage } from '@switchyard/core';
import { TestDaemon } from '@switchyard/core/testing';
import { healthPlugin } from '@switchyard/observability';
import { Order, OrderBehaviour, OrderDaemon, sleep } from '../../packages/core/test/support/fixtures.js';
import { freePort } from '../servers/freePort.js';
import { hasChromium, launchChromium } from '../support/chromium.js';

const chromiumHere = hasChromium('operator console');
// The operations guide's picture: written there with SWITCHYARD_WRITE_SCREENSHOT=1, else to a temp dir.
const SCREENSHOT =
  process.env.SWITCHYARD_WRITE_SCREENSHOT === '1'
    ? fileURLToPath(new URL('../../docs/images/console.png', import.meta.url))
    : join(tmpdir(), 'switchyard-console.png');
const TOKEN = 'console-test-token';

class ConsoleDaemon extends OrderDaemon {
  override readonly plugins = [healthPlugin];
}

let browser: Browser | undefined;
let daemon: TestDaemon | undefined;
afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
});

describe.skipIf(!chromiumHere)('the operator console (headless Chromium)', () => {
  it('loads, charts outcomes while messages flow, replays dead letters with the token, refuses without it', async () => {
    const port = await freePort();
    daemon = await TestDaemon.start(new ConsoleDaemon(), {
      argv: [
        '--healthcheck-port',
        String(port),
        '--set',
        'health.host=127.0.0.1',
        '--console',
        '--set',
        `console.token=${TOKEN}`,
        '--set',
        'console.historySeconds=20',
      ],
    });
    const behaviour = daemon.running.container.get(OrderBehaviour);
    behaviour.run = (order) => {
      if (order.id.startsWith('unknown-customer'))
        throw new RejectMessage(`no customer for order ${order.id}`);
    };
    const deadLetters = daemon.running.container.get(MemoryBroker).deadLetterQueue('order-daemon');

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/console`);
    await page.waitForFunction(
      `document.querySelector('[data-field="transport"]')?.textContent === 'memory'`,
    );

    // Messages flow: the chart's total grows from one refresh to the next.
    const flowing = (async () => {
      for (let i = 0; i < 40; i += 1) {
        await daemon.publishAndWait(Order, {
          id: i % 10 === 0 ? `unknown-customer-${i}` : `order-${i}`,
          quantity: 1,
        });
        await sleep(50);
      }
    })();
    await page.waitForFunction(`Number(document.getElementById('chart').dataset.total) > 0`);
    const before = Number(await page.evaluate(`document.getElementById('chart').dataset.total`));
    await flowing;
    await page.waitForFunction(`Number(document.getElementById('chart').dataset.total) >= 40`, undefined, {
      timeout: 10_000,
    });
    expect(Number(await page.evaluate(`document.getElementById('chart').dataset.total`))).toBeGreaterThan(
      before,
    );
    expect(await page.evaluate(`document.querySelectorAll('#chart polyline').length`)).toBeGreaterThanOrEqual(
      2,
    );

    // The dead letters are listed with their reasons.
    expect(deadLetters.size).toBe(4);
    await page.waitForFunction(
      `document.querySelectorAll('#dead-letters tr[data-id]').length === 4`,
      undefined,
      { timeout: 10_000 },
    );
    expect(await page.textContent('#dead-letters')).toContain('no customer for order unknown-customer-0');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // A request without the token is refused, from the page's own origin.
    const refused = await page.evaluate(
      `fetch('/console/replay', { method: 'POST', body: '{}' }).then((r) => r.status)`,
    );
    expect(refused).toBe(401);
    expect(deadLetters.size).toBe(4);

    // The cause is fixed; the operator replays them through the page.
    behaviour.run = () => undefined;
    await page.fill('input[name="reason"]', 'no customer');
    await page.fill('input[name="token"]', TOKEN);
    await page.click('#replay button');
    await page.waitForFunction(`document.getElementById('replay-result').dataset.status === '200'`);
    expect(await page.textContent('#replay-result')).toBe('replayed 4, left 0');
    for (
      let tries = 0;
      tries < 200 && behaviour.seen.filter(({ order }) => order.id.startsWith('unknown')).length < 8;
      tries += 1
    )
      await sleep(10);
    const handledAgain = behaviour.seen.filter(({ order }) => order.id.startsWith('unknown')).slice(4);
    expect(handledAgain.map(({ order }) => order.id).sort()).toEqual([
      'unknown-customer-0',
      'unknown-customer-10',
      'unknown-customer-20',
      'unknown-customer-30',
    ]);
    expect(deadLetters.size).toBe(0);
    await page.waitForFunction(
      `document.querySelectorAll('#dead-letters tr[data-id]').length === 0`,
      undefined,
      { timeout: 10_000 },
    );
  });
});
