import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real `switchyard` bin (packages/cli/dist, built by `npm test`'s build or `npx tsc -b
// packages/cli`) on a module built as a user builds it, and on the schema files it writes.
const root = new URL('../../', import.meta.url);
const BIN = fileURLToPath(new URL('packages/cli/dist/main.js', root));
const FIXTURES = new URL('packages/rpc/test/fixtures/', root);
const dir = mkdtempSync(join(tmpdir(), 'switchyard-schema-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function switchyard(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * The shop fixture compiled to .js (decorators and their metadata, as tsc emits them) in a folder
 * of its own that finds the repo's packages; `edit` changes the API's source first.
 */
function buildModule(name: string, edit: (source: string) => string = (source) => source): string {
  const out = join(dir, name);
  mkdirSync(out);
  symlinkSync(fileURLToPath(new URL('node_modules', root)), join(out, 'node_modules'));
  for (const file of ['schemaApi', 'schemaModule']) {
    let source = readFileSync(new URL(`${file}.ts`, FIXTURES), 'utf8');
    if (file === 'schemaApi') source = edit(source);
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2023,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        useDefineForClassFields: false,
      },
    });
    writeFileSync(join(out, `${file}.js`), outputText);
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  return join(out, 'schemaModule.js');
}

beforeAll(() => {
  expect(existsSync(BIN), `${BIN} is missing: build it with npx tsc -b packages/cli`).toBe(true);
});

describe('the switchyard bin: dump-schema, schema check, inspect', () => {
  it('dump-schema two versions of a built module, then schema check names the breaking change and exits 1', () => {
    const v1 = buildModule('v1');
    // v2 narrows a parameter (code: at most 5 characters) and drops the event.
    const v2 = buildModule('v2', (source) =>
      source
        .replace('@Length(2, 8) code', '@Length(2, 5) code')
        .replace('@event(Shipped) readonly shipped!: ApiEvent<Shipped>;', ''),
    );
    const dumped = switchyard('dump-schema', v1, '--out', 'old.json');
    expect(dumped.code, dumped.stderr).toBe(0);
    expect(dumped.stdout).toBe('wrote the schema of 2 APIs (audit, shop) to old.json\n');
    expect(switchyard('dump-schema', v2, '--out', 'new.json').code).toBe(0);
    const printed = switchyard('dump-schema', v1);
    expect(JSON.parse(printed.stdout)).toEqual(JSON.parse(readFileSync(join(dir, 'old.json'), 'utf8')));

    const check = switchyard('schema', 'check', 'old.json', 'new.json');
    expect(check.code, check.stderr).toBe(1);
    expect(check.stdout).toBe(
      [
        'BREAKING   shop.placeOrder.params.code: maxLength 8 → 5 (callers of the old version may send what the server now refuses)',
        'BREAKING   shop.shipped: event removed (its listeners wait for it)',
        '2 breaking, 0 compatible',
        '',
      ].join('\n'),
    );
    expect(check.stderr).toBe('switchyard: schema check: 2 breaking changes from old.json to new.json\n');

    // The other way round the length is loosened (compatible) and the event is new: exit 0.
    const back = switchyard('schema', 'check', 'new.json', 'old.json');
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toBe(
      [
        'compatible shop.placeOrder.params.code: maxLength 5 → 8 (what old callers send still passes)',
        'compatible shop.shipped: new event',
        '0 breaking, 2 compatible',
        '',
      ].join('\n'),
    );
    expect(switchyard('schema', 'check', 'old.json', 'old.json').stdout).toBe('no changes\n');
  });

  it('inspect the built module on NATS', () => {
    const run = switchyard('inspect', buildModule('inspected'), '--transport', 'nats');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('daemon shop (ShopDaemon) serves shop\n');
    expect(run.stdout).toContain('  api shop (ShopApi): calls in subject switchyard.rpc.shop\n');
    expect(run.stdout).toContain('    placeOrder(Order) → Receipt  idempotent\n');
    expect(run.stdout).toContain(
      '    event shipped(Shipped): published to subject event.shop.shipped; each listener: durable consumer event-shop-shipped_<listenerName>\n',
    );
  });

  it('a .ts module with decorators: Node cannot run it, and the one line says to build it', () => {
    const run = switchyard('dump-schema', fileURLToPath(new URL('schemaModule.ts', FIXTURES)));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^switchyard: dump-schema: cannot load .*schemaModule\.ts: SyntaxError: .* \(Node strips TypeScript types but does not run decorators: build the module with tsc and give the \.js\)\n$/,
    );
  });
});
