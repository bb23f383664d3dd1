import { readFileSync } from 'node:fs';
import { RpcErrorCodes } from '@switchyard/rpc';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');
const codesIn = (text: string): string[] => [...new Set(text.match(/SWITCHYARD_RPC_[A-Z_]+/g) ?? [])].sort();

describe('docs/errors.md, Bus APIs section', () => {
  it('lists exactly the RPC error codes, and the package README lists each', () => {
    const doc = read('../../../docs/errors.md').split('## Bus APIs')[1] ?? '';
    const readme = read('../README.md');
    const codes = Object.values(RpcErrorCodes).sort();
    // Both ways: a code without a row, or a row for a code that is gone, fails.
    expect(codesIn(doc)).toEqual(codes);
    for (const code of codes) {
      expect(doc).toContain(`| \`${code}\``);
      expect(readme).toContain(`\`${code}\``);
    }
  });
});
