import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/typedCalls.ts', import.meta.url));

/** Compiles one file with the repo's tsc and compiler options; resolves with tsc's output. */
async function compile(file: string): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rpc-types-'));
  try {
    const config = join(dir, 'tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        extends: join(root, 'tsconfig.base.json'),
        compilerOptions: {
          noEmit: true,
          paths: {
            '@switchyard/core': [join(root, 'packages/core/src/index.ts')],
            '@switchyard/rpc': [join(root, 'packages/rpc/src/index.ts')],
          },
          typeRoots: [join(root, 'node_modules/@types')],
        },
        files: [file],
      }),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [tsc, '-p', config], { cwd: root });
      return { ok: true, output: stdout };
    } catch (error) {
      return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it('a wrong call on a typed client is a compile error (every @ts-expect-error in the fixture is needed)', async () => {
  const result = await compile(fixture);
  expect(result.output).toBe('');
  expect(result.ok).toBe(true);
}, 120_000);

it('the fixture check can fail: the same file without its directives does not compile', async () => {
  const { readFileSync } = await import('node:fs');
  const stripped = fixture.replace(/typedCalls\.ts$/, 'typedCalls.stripped.ts');
  writeFileSync(stripped, readFileSync(fixture, 'utf8').replaceAll('// @ts-expect-error', '// was expected'));
  try {
    const result = await compile(stripped);
    expect(result.ok).toBe(false);
    // One error per removed directive: wrong field, wrong type, missing argument, wrong option,
    // wrong event payload, unknown member, wrong result type.
    expect(result.output.match(/typedCalls\.stripped\.ts\(\d+,\d+\): error/g)).toHaveLength(7);
  } finally {
    rmSync(stripped, { force: true });
  }
}, 120_000);
