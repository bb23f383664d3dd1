import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CLI_REFERENCE,
  CONFIG_REFERENCE,
  renderCliReference,
  renderConfigReference,
  sectionSources,
} from '../../scripts/gen-reference.js';

const STALE = 'is stale: run npm run docs:reference and commit the result';

describe('the generated references (docs/reference)', () => {
  it('docs/reference/config.md is what the config sections say', () => {
    expect(readFileSync(CONFIG_REFERENCE, 'utf8'), `docs/reference/config.md ${STALE}`).toBe(
      renderConfigReference(),
    );
  });

  it("docs/reference/cli.md is what the daemon's commander program says", () => {
    expect(readFileSync(CLI_REFERENCE, 'utf8'), `docs/reference/cli.md ${STALE}`).toBe(renderCliReference());
  });

  it('covers every config section any package declares', () => {
    const reference = renderConfigReference();
    const missing = sectionSources()
      .filter(({ name }) => !reference.includes(`\n## ${name}\n`))
      .map(({ className, packageName }) => `${className} (${packageName})`);
    expect(missing, "add the package's transport, plugin or section to scripts/gen-reference.ts").toEqual([]);
  });
});
