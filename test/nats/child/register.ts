// Test-only, loaded with `node --import` AFTER test/kafka/child/register.ts (which compiles the
// TypeScript sources with SWC and maps `@switchyard/core` to its source): maps `@switchyard/nats`
// to its source too, so a test can SIGKILL a real daemon process on NATS.
import { registerHooks } from 'node:module';

const nats = new URL('../../../packages/nats/src/index.ts', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === '@switchyard/nats') return { url: nats, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
