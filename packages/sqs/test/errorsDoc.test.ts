import { readFileSync } from 'node:fs';
import { SqsErrorCodes } from '@switchyard/sqs';
import { describe, expect, it } from 'vitest';

describe('docs/errors.md, SQS section', () => {
  it('documents every SQS error code, and the package README lists each', () => {
    const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');
    const doc = read('../../../docs/errors.md').split('## SQS')[1] ?? '';
    const readme = read('../README.md');
    for (const code of Object.values(SqsErrorCodes)) {
      expect(doc).toContain(`\`${code}\``);
      expect(readme).toContain(`\`${code}\``);
    }
  });
});
