import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../packages/core/src/errors/codes.js';
import { CORE_FLAGS } from '../support/coreFlags.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

describe('README', () => {
  const readme = read('README.md');
  // Blocks whose first line names a source file must be that file, verbatim: the file compiles in
  // `npm test` (typecheck and build), so the README's example compiles as written; a test file
  // among them also runs there.
  const blocks = [...readme.matchAll(/```ts\n\/\/ (apps\/[^\n]+\.ts)\n([\s\S]*?)```/g)];

  it('shows the example files', () => {
    expect(blocks.map(([, path]) => path)).toEqual([
      'apps/simple/src/SimpleMessage.ts',
      'apps/simple/src/Greeter.ts',
      'apps/simple/src/SimpleHandler.ts',
      'apps/simple/src/SimpleConsumerDaemon.ts',
    ]);
  });

  it.each(blocks.map(([, path, code]) => [path!, code!]))('%s matches the source file', (path, code) => {
    expect(code).toBe(read(path));
  });
});

describe('docs/concepts.md', () => {
  it('lists every CLI flag of the core daemon', () => {
    const concepts = read('docs/concepts.md');
    for (const flag of CORE_FLAGS) {
      expect(concepts).toContain(`\`${flag}`);
    }
  });
});

describe('docs/testing.md', () => {
  it("shows the example's test verbatim (a test file the unit suite runs)", () => {
    expect(read('docs/testing.md')).toContain('```ts\n// apps/simple/test/SimpleConsumerDaemon.test.ts\n');
  });
});

describe('docs/errors.md', () => {
  it('documents every error code', () => {
    const doc = read('docs/errors.md');
    for (const code of Object.values(ErrorCodes)) expect(doc).toContain(`\`${code}\``);
  });
});
