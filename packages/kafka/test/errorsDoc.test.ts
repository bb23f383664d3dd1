import { readFileSync } from 'node:fs';
import { KafkaErrorCodes } from '@switchyard/kafka';
import { describe, expect, it } from 'vitest';

describe('docs/errors.md, Kafka section', () => {
  it('documents every Kafka error code, and the package README lists each', () => {
    const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');
    const doc = read('../../../docs/errors.md').split('## Kafka')[1] ?? '';
    const readme = read('../README.md');
    for (const code of Object.values(KafkaErrorCodes)) {
      expect(doc).toContain(`\`${code}\``);
      expect(readme).toContain(`\`${code}\``);
    }
  });
});
