import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBroker, RejectMessage } from '@switchyard/core';
import { TestDaemon } from '@switchyard/core/testing';
import { healthPlugin } from '../src/index.js';
import { hasConsoleToken, isLoopback } from '../src/console/consoleToken.js';
import { Order, OrderBehaviour, OrderDaemon, sleep } from '../../core/test/support/fixtures.js';
import { freePort } from '../../../test/servers/freePort.js';

class ConsoleDaemon extends OrderDaemon {
  override readonly plugins = [healthPlugin];
}

let daemon: TestDaemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

async function start(argv: string[] = []): Promise<{ daemon: TestDaemon; url: string }> {
  const port = await freePort();
  daemon = await TestDaemon.start(new ConsoleDaemon(), {
    argv: ['--healthcheck-port', String(port), '--set', 'health.host=127.0.0.1', '--console', ...argv],
  });
  return { daemon, url: `http://127.0.0.1:${port}` };
}

const json = async (response: Response): Promise<Record<string, unknown>> =>
  (await response.json()) as Record<string, unknown>;

const replay = (url: string, token: string | undefined, body: unknown = {}): Promise<Response> =>
  fetch(`${url}/console/replay`, {
    method: 'POST',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

describe('the console', () => {
  it('serves the page, its script and the data it charts: outcomes per handler per second', async () => {
    const { daemon, url } = await start();
    const page = await fetch(`${url}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<script src="/console/console.js">');
    expect((await fetch(`${url}/console/console.js`)).status).toBe(200);
    for (let i = 0; i < 3; i += 1) await daemon.publishAndWait(Order, { id: `o${i}`, quantity: 1 });
    const data = await json(await fetch(`${url}/console/data.json`));
    expect(data).toMatchObject({
      daemon: 'order-daemon',
      transport: 'memory',
      ready: true,
      inFlight: 0,
      replay: 'read-only',
    });
    const outcomes = data.outcomes as { seconds: number; handlers: Record<string, Record<string, number[]>> };
    const succeeded = outcomes.handlers['OrderHandler']?.['succeeded'] ?? [];
    expect(succeeded).toHaveLength(outcomes.seconds);
    expect(succeeded.reduce((sum, count) => sum + count, 0)).toBe(3);
  });

  it('is read-only without a token, refuses a missing or wrong token, and replays with the right one', async () => {
    const { url: readOnly } = await start();
    expect((await replay(readOnly, 'anything')).status).toBe(403);
    await daemon!.stop();

    const { daemon: running, url } = await start(['--set', 'console.token=s3cret-token']);
    const behaviour = running.running.container.get(OrderBehaviour);
    behaviour.run = (order) => {
      if (order.id.startsWith('bad')) throw new RejectMessage('bad order: no such customer');
    };
    await running.publishAndWait(Order, { id: 'bad-1', quantity: 1 });
    await running.publishAndWait(Order, { id: 'bad-2', quantity: 2 });
    const listed = await json(await fetch(`${url}/console/dead-letters.json`));
    expect(listed.available).toBe(true);
    expect(listed.deadLetters).toHaveLength(2);
    expect((listed.deadLetters as Array<{ reason: string }>)[0]!.reason).toContain('no such customer');

    const missing = await replay(url, undefined);
    expect(missing.status).toBe(401);
    expect((await json(missing)).error).toContain('console token');
    expect((await replay(url, 's3cret-tokeN')).status).toBe(401);
    expect((await replay(url, 's3cret-token', { limit: 0 })).status).toBe(400);
    const broker = running.running.container.get(MemoryBroker);
    expect(broker.deadLetterQueue('order-daemon').size).toBe(2);

    behaviour.run = () => undefined; // the cause is fixed; put one back, then the rest
    const first = await replay(url, 's3cret-token', { reason: 'no such customer', limit: 1 });
    expect(first.status).toBe(200);
    expect(await json(first)).toEqual({ replayed: 1, left: 1 });
    const second = await json(await replay(url, 's3cret-token', { mediaType: 'application/vnd.test.order' }));
    expect(second).toEqual({ replayed: 1, left: 0 });
    for (let tries = 0; tries < 200 && behaviour.seen.length < 4; tries += 1) await sleep(10);
    const replayed = behaviour.seen.slice(2);
    expect(replayed.map(({ order }) => order.id).sort()).toEqual(['bad-1', 'bad-2']);
    expect(replayed[0]!.context.attempt).toBe(1); // attempts start again
    expect(broker.deadLetterQueue('order-daemon').size).toBe(0);
  });

  it('refuses to start without the health port it is served on, naming both keys', async () => {
    await expect(TestDaemon.start(new ConsoleDaemon(), { argv: ['--console'] })).rejects.toThrow(
      /console\.enabled: .*set health\.port too \(--healthcheck-port/,
    );
  });
});

describe('console access checks', () => {
  const request = (authorization: string | undefined, remoteAddress: string): IncomingMessage =>
    ({
      headers: authorization === undefined ? {} : { authorization },
      socket: { remoteAddress },
    }) as IncomingMessage;

  it('takes only the exact bearer token, and never an empty one', () => {
    expect(hasConsoleToken(request('Bearer abc', '127.0.0.1'), 'abc')).toBe(true);
    expect(hasConsoleToken(request('Bearer abcd', '127.0.0.1'), 'abc')).toBe(false);
    expect(hasConsoleToken(request('abc', '127.0.0.1'), 'abc')).toBe(false);
    expect(hasConsoleToken(request(undefined, '127.0.0.1'), 'abc')).toBe(false);
    expect(hasConsoleToken(request('Bearer ', '127.0.0.1'), '')).toBe(false);
  });

  it('tells loopback clients from others', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1'])
      expect(isLoopback(request(undefined, address))).toBe(true);
    for (const address of ['10.0.0.7', '::ffff:10.0.0.7', '192.168.1.2'])
      expect(isLoopback(request(undefined, address))).toBe(false);
  });
});
