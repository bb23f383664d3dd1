import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wireAddresses } from '@switchyard/rpc';
import { afterAll, describe, expect, it } from 'vitest';
import { switchyard } from '../../../test/support/runSwitchyard.js';
import type { ModuleView } from '../src/schema/describeApis.js';

const MODULE = fileURLToPath(new URL('../../rpc/test/fixtures/schemaModule.ts', import.meta.url));
const SHOP_API = fileURLToPath(new URL('../../rpc/test/fixtures/schemaApi.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'switchyard-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A module of plain JavaScript that imports the shop API, written for one test. */
function moduleOf(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `import { ApiDaemon } from '@switchyard/rpc';\nimport { ShopApi } from ${JSON.stringify(SHOP_API)};\n${body}\n`,
  );
  return path;
}

describe('switchyard inspect', () => {
  it("lists the daemon's APIs, methods, events and their places on the embedded bus (the default)", async () => {
    const run = await switchyard('inspect', MODULE);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'on memory:',
      'daemon shop (ShopDaemon) serves shop',
      '  api shop (ShopApi): calls in queue rpc.shop',
      '    cancel(Receipt) → nothing',
      '    placeOrder(Order) → Receipt  idempotent',
      '    event shipped(Shipped): sent straight to each listener; each listener: queue event.shop.shipped.<listenerName>',
      'APIs no daemon in this module serves:',
      '  api audit (AuditApi): calls in queue rpc.audit',
      '    record(AuditEntry) → nothing',
      '    no events',
      'replies: each client process has its own inbox memory-inbox:<clientId>',
      'listeners: registered at run time by .listen(handler, { listenerName }) (in a daemon, from onReady on): not known before the daemon runs; each listener name gets its own place, shown per event',
      '',
    ]);
  });

  it.each([
    ['kafka', 'topic', 'topic', 'consumer group'],
    ['sqs', 'queue', 'SNS topic', 'queue'],
    ['nats', 'subject', 'subject', 'durable consumer'],
  ] as const)(
    '--transport %s: the names its wire uses (wireAddresses)',
    async (transport, requests, events, listener) => {
      const run = await switchyard('inspect', MODULE, '--transport', transport);
      expect(run.code, run.stderr).toBe(0);
      const addresses = wireAddresses[transport];
      expect(run.stdout).toContain(`on ${transport}:`);
      expect(run.stdout).toContain(
        `api shop (ShopApi): calls in ${requests} ${addresses.requests('shop')}\n`,
      );
      expect(run.stdout).toContain(
        `event shipped(Shipped): published to ${events} ${addresses.events('shop', 'shipped')}; each listener: ${listener} ${addresses.listener('shop', 'shipped', '<listenerName>')}\n`,
      );
      expect(run.stdout).toContain(
        `its own ${transport === 'nats' ? 'inbox subject' : requests} ${addresses.replies('<clientId>')}\n`,
      );
    },
  );

  it('spells the places out: rpc.shop on Kafka, rpc-shop and event-shop-shipped on SQS, a durable without dots on NATS', async () => {
    expect((await switchyard('inspect', MODULE, '--transport', 'kafka')).stdout).toContain(
      'topic rpc.shop\n',
    );
    const sqs = (await switchyard('inspect', MODULE, '--transport', 'sqs')).stdout;
    expect(sqs).toContain('queue rpc-shop\n');
    expect(sqs).toContain('SNS topic event-shop-shipped;');
    expect((await switchyard('inspect', MODULE, '--transport', 'nats')).stdout).toContain(
      'durable consumer event-shop-shipped_<listenerName>',
    );
  });

  it('--json: one document (daemons, unserved APIs, replies, listeners)', async () => {
    const run = await switchyard('inspect', MODULE, '--transport', 'kafka', '--json');
    expect(run.code, run.stderr).toBe(0);
    const view = JSON.parse(run.stdout) as ModuleView;
    expect(view.transport).toBe('kafka');
    expect(view.daemons).toHaveLength(1); // the exported abstract base is not a daemon
    expect(view.daemons[0]!.apis[0]!.methods).toEqual([
      { name: 'cancel', params: 'Receipt', result: null, idempotent: false },
      { name: 'placeOrder', params: 'Order', result: 'Receipt', idempotent: true },
    ]);
    expect(view.unserved.map((api) => api.name)).toEqual(['audit']);
    expect(view.replies).toEqual({ kind: 'topic', name: 'rpc.reply.<clientId>' });
    expect(view.listeners).toMatch(/not known before the daemon runs/);
  });

  it('an exported daemon instance counts; a daemon class that cannot be made without arguments is named', async () => {
    const instance = moduleOf(
      'instance.mjs',
      "class Shop extends ApiDaemon { name = 'shop-instance'; apis = [ShopApi]; }\nexport const daemon = new Shop();",
    );
    const run = await switchyard('inspect', instance);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('daemon shop-instance (Shop) serves shop\n');
    const needy = moduleOf(
      'needy.mjs',
      "export class Needy extends ApiDaemon { name = 'needy'; apis = [ShopApi]; constructor(config) { super(); this.port = config.port; } }",
    );
    const failed = await switchyard('inspect', needy);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /^switchyard: inspect: .*needy\.mjs: new Needy\(\) throws \(.*\); export an instance instead\n$/,
    );
  });

  it('an unknown transport: a usage error naming the choices, exit 2', async () => {
    const run = await switchyard('inspect', MODULE, '--transport', 'carrier-pigeon');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Allowed choices are memory, kafka, sqs, nats/);
  });
});
