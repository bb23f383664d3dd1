// Test-only, loaded with `node --import`: the Kafka crash child's hooks (SWC for the TypeScript
// sources, `@switchyard/core` and `@switchyard/kafka` aliases) plus the SQS, NATS and observability
// packages, so the fault suite's daemon runs on any of the three transports with its health endpoint.
import { registerHooks } from 'node:module';

const root = new URL('../../../', import.meta.url);
const aliases: Record<string, string> = {
  '@switchyard/sqs': new URL('packages/sqs/src/index.ts', root).href,
  '@switchyard/nats': new URL('packages/nats/src/index.ts', root).href,
  '@switchyard/observability': new URL('packages/observability/src/index.ts', root).href,
};

registerHooks({
  resolve(specifier, context, nextResolve) {
    const alias = aliases[specifier];
    return alias === undefined ? nextResolve(specifier, context) : { url: alias, shortCircuit: true };
  },
});

await import(new URL('../../kafka/child/register.ts', import.meta.url).href);
