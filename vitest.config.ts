import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// esbuild (vitest's default transform) does not emit decorator metadata, which inversify and
// class-validator rely on; SWC does. Sources are tested directly, not the dist build.
const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const swcPlugin = swc.vite({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
});
const alias = {
  '@switchyard/core/testing': source('./packages/core/src/testing/index.ts'),
  '@switchyard/core': source('./packages/core/src/index.ts'),
  '@switchyard/sqs': source('./packages/sqs/src/index.ts'),
  '@switchyard/kafka': source('./packages/kafka/src/index.ts'),
  '@switchyard/routing': source('./packages/routing/src/index.ts'),
  '@switchyard/rpc/kafka': source('./packages/rpc/src/wires/kafka/index.ts'),
  '@switchyard/rpc/sqs': source('./packages/rpc/src/wires/sqs/index.ts'),
  '@switchyard/rpc/nats': source('./packages/rpc/src/wires/nats/index.ts'),
  '@switchyard/rpc': source('./packages/rpc/src/index.ts'),
  '@switchyard/sentry': source('./packages/sentry/src/index.ts'),
  '@switchyard/observability': source('./packages/observability/src/index.ts'),
  '@switchyard/nats': source('./packages/nats/src/index.ts'),
  '@switchyard/lambda': source('./packages/lambda/src/index.ts'),
  '@switchyard/processor': source('./packages/processor/src/index.ts'),
  '@switchyard/cli': source('./packages/cli/src/index.ts'),
  'create-switchyard': source('./packages/create-switchyard/src/index.ts'),
};
const common = { plugins: [swcPlugin], resolve: { alias } };
const setupFiles = ['packages/core/test/support/setup.ts'];

// Projects extend this config (plugins, aliases). Suites against real servers: one server per
// suite (started in its globalSetup), files one after another, so JVMs and tests share two cores.
const serverSuite = (name: string) => ({
  test: {
    name,
    include: [`test/${name}/**/*.test.ts`],
    globalSetup: [`test/${name}/globalSetup.ts`],
    setupFiles,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});

export default defineConfig({
  ...common,
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
          setupFiles,
        },
      },
      {
        // Fault tests that need no server (bad input, fuzzing); server ones live with their suites.
        test: { name: 'faults', include: ['test/faults/**/*.test.ts'], setupFiles, testTimeout: 120_000 },
      },
      {
        // The long fault suite (crash ×10, broker restarts, SIGTERM under load), run by `npm run
        // test:faults-long` after `npm test` in CI: its own ElasticMQ and Kafka (see its globalSetup).
        test: {
          name: 'faults-long',
          include: ['test/faults/long/**/*.long.ts'],
          globalSetup: ['test/faults/long/globalSetup.ts'],
          setupFiles,
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/docs/**/*.test.ts'],
          setupFiles,
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'bench',
          include: ['bench/**/*.scenario.ts'],
          globalSetup: ['bench/globalSetup.ts'],
          setupFiles,
          fileParallelism: false,
          testTimeout: 1_800_000,
          hookTimeout: 600_000,
        },
      },
      {
        // Each file starts its own Sentry ingest (a local HTTP server) on a free port.
        test: { name: 'sentry', include: ['test/sentry/**/*.test.ts'], setupFiles, testTimeout: 30_000 },
      },
      serverSuite('sqs'),
      serverSuite('kafka'),
      serverSuite('nats'),
    ],
  },
});
