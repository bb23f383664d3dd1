// Test-only, loaded with `node --import` (Node strips this file's own types): lets a plain `node`
// child process run the TypeScript sources, decorators compiled by SWC as in vitest, so a test can
// SIGKILL a real daemon process.
import { existsSync, readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@swc/core';

const root = new URL('../../../', import.meta.url);
const aliases: Record<string, string> = {
  '@switchyard/core': new URL('packages/core/src/index.ts', root).href,
  '@switchyard/kafka': new URL('packages/kafka/src/index.ts', root).href,
};

registerHooks({
  resolve(specifier, context, nextResolve) {
    const alias = aliases[specifier];
    if (alias !== undefined) return { url: alias, shortCircuit: true };
    if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (!url.endsWith('.ts')) return nextLoad(url, context);
    const { code } = transformSync(readFileSync(fileURLToPath(url), 'utf8'), {
      filename: fileURLToPath(url),
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2023',
      },
      module: { type: 'es6' },
    });
    return { format: 'module', source: code, shortCircuit: true };
  },
});
