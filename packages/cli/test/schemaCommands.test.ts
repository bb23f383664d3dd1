import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiJsonSchema } from '@switchyard/rpc';
import { afterAll, describe, expect, it } from 'vitest';
import { ShopApi } from '../../rpc/test/fixtures/schemaApi.js';
import { AuditApi } from '../../rpc/test/fixtures/schemaModule.js';
import { switchyard, type CliRun } from '../../../test/support/runSwitchyard.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../rpc/test/fixtures/${name}`, import.meta.url));
const MODULE = fixture('schemaModule.ts');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function oneLineFailure(run: CliRun, code: number, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(code);
  expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
  expect(run.stderr).toMatch(pattern);
}

describe('switchyard dump-schema', () => {
  it('prints { apis } with the schema of every exported and served API', async () => {
    const run = await switchyard('dump-schema', MODULE);
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as { apis: Record<string, unknown> };
    expect(Object.keys(document.apis)).toEqual(['audit', 'shop']);
    expect(document.apis['shop']).toEqual(apiJsonSchema(ShopApi));
    expect(document.apis['audit']).toEqual(apiJsonSchema(AuditApi));
    expect((await switchyard('dump-schema', MODULE)).stdout).toBe(run.stdout); // stable text
  });

  it('--out writes the document to the file and says so', async () => {
    const out = join(dir, 'dumped.json');
    const run = await switchyard('dump-schema', MODULE, '--out', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`wrote the schema of 2 APIs (audit, shop) to ${out}\n`);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(
      JSON.parse((await switchyard('dump-schema', MODULE)).stdout),
    );
  });

  it('a missing module, one that does not load, or one without an API: one line naming it, exit 1', async () => {
    oneLineFailure(
      await switchyard('dump-schema', join(dir, 'nope.js')),
      1,
      /dump-schema: .*nope\.js: no such file/,
    );
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, "throw new Error('the module refuses to load');\n");
    oneLineFailure(
      await switchyard('dump-schema', broken),
      1,
      /dump-schema: cannot load .*broken\.mjs: Error: the module refuses to load/,
    );
    const plain = join(dir, 'plain.mjs');
    writeFileSync(plain, 'export const answer = 42;\nexport class Thing {}\n');
    oneLineFailure(
      await switchyard('dump-schema', plain),
      1,
      /plain\.mjs exports no bus API: looked for exported @api\("<name>"\) classes and exported ApiDaemon subclasses \(or instances\) that list apis; its exports: Thing, answer/,
    );
  });

  it('two exported classes of the same API name: one line naming both', async () => {
    oneLineFailure(
      await switchyard('dump-schema', fixture('exampleApi.ts')),
      1,
      /two classes name the API "example": \w+ and \w+/,
    );
  });

  it('no module: a usage error, exit 2', async () => {
    expect((await switchyard('dump-schema')).code).toBe(2);
  });
});

describe('switchyard schema check', () => {
  const write = (name: string, apis: Record<string, unknown>): string => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ apis }));
    return path;
  };
  const shop = () => JSON.parse(JSON.stringify(apiJsonSchema(ShopApi))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const old = write('old.json', { shop: shop() });

  it('the same schema: "no changes", exit 0', async () => {
    const run = await switchyard('schema', 'check', old, old);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('no changes\n');
  });

  it('a breaking change: one line each with its path, a count, and exit 1 with one line on stderr', async () => {
    const edited = shop();
    edited['$defs'].Order.properties.code.maxLength = 5;
    edited['$defs'].Order.properties.coupon = { type: ['string', 'null'] };
    delete edited['methods'].cancel;
    const run = await switchyard('schema', 'check', old, write('breaking.json', { shop: edited }));
    expect(run.stdout.split('\n')).toEqual([
      'BREAKING   shop.cancel: method removed (callers of the old version still call it)',
      'BREAKING   shop.placeOrder.params.code: maxLength 8 → 5 (callers of the old version may send what the server now refuses)',
      'compatible shop.placeOrder.params.coupon: new optional field',
      '2 breaking, 1 compatible',
      '',
    ]);
    oneLineFailure(run, 1, /schema check: 2 breaking changes from .*old\.json to .*breaking\.json/);
  });

  it('compatible changes only: listed, exit 0', async () => {
    const edited = shop();
    edited['$defs'].Order.properties.code.maxLength = 10;
    const run = await switchyard('schema', 'check', old, write('compatible.json', { shop: edited }));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      'compatible shop.placeOrder.params.code: maxLength 8 → 10 (what old callers send still passes)\n0 breaking, 1 compatible\n',
    );
  });

  it('--json: one document of breaking and compatible changes', async () => {
    const run = await switchyard('schema', 'check', old, write('removed.json', {}), '--json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      breaking: [{ path: 'shop', message: 'API removed (its callers and listeners are left without it)' }],
      compatible: [],
    });
  });

  it('a file that is missing, not JSON, or not a schema document: one line naming it, exit 1', async () => {
    oneLineFailure(
      await switchyard('schema', 'check', join(dir, 'none.json'), old),
      1,
      /cannot read .*none\.json: no such file/,
    );
    const text = join(dir, 'text.json');
    writeFileSync(text, 'not json');
    oneLineFailure(await switchyard('schema', 'check', old, text), 1, /text\.json is not JSON/);
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"openapi": "3.1.0"}');
    oneLineFailure(
      await switchyard('schema', 'check', old, other),
      1,
      /other\.json is not a schema document: it has no "apis" object \(write one with switchyard dump-schema <module> --out/,
    );
    oneLineFailure(
      await switchyard('schema', 'check', old, write('bad-api.json', { shop: { methods: {} } })),
      1,
      /bad-api\.json: apis\.shop is not an API schema/,
    );
  });

  it('one file only: a usage error, exit 2', async () => {
    expect((await switchyard('schema', 'check', old)).code).toBe(2);
  });
});
