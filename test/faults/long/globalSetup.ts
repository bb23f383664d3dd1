import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { writeFigures } from './figures.js';
import { startElasticMq, type RunningElasticMq } from '../../servers/elasticmq.js';
import { requireTool } from '../../servers/requireTool.js';
import { KAFKA_VERSIONS, startKafka, type RunningKafka } from '../../servers/kafka.js';

// `kafkaBrokers` and `elasticMqEndpoint` are declared by the kafka and sqs suites' global setups;
// the long fault suite provides the same keys, so it reuses their support modules.

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the tests append their FIGURE lines; merged into docs/faults.md at teardown. */
    figuresLedger: string;
  }
}

const FAULTS_DOC = fileURLToPath(new URL('../../../docs/faults.md', import.meta.url));

/**
 * The long fault suite's servers: ElasticMQ (in memory) and ONE Kafka broker, the newest version
 * (the fault tests prove the daemon's bookkeeping, which does not differ between broker versions;
 * the kafka suite covers both versions). Tests that restart a server start their own.
 * Without java/mvn it skips loudly; with CI=true that is a failure (requireTool).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const available =
    requireTool('java', ['-version'], 'faults-long') && requireTool('mvn', ['-v'], 'faults-long');
  let kafka: RunningKafka | undefined;
  let elasticMq: RunningElasticMq | undefined;
  const figuresLedger = join(mkdtempSync(join(tmpdir(), 'switchyard-figures-')), 'figures.log');
  project.provide('figuresLedger', figuresLedger);
  const stopAll = async (): Promise<void> => {
    await Promise.all([kafka?.stop(), elasticMq?.stop()]);
    const written = writeFigures(figuresLedger, FAULTS_DOC);
    if (written > 0) console.log(`docs/faults.md: ${written} figures of this run written`);
  };
  if (available) {
    try {
      elasticMq = await startElasticMq({ heapMb: 1024 });
      kafka = await startKafka(KAFKA_VERSIONS[KAFKA_VERSIONS.length - 1]!);
    } catch (error) {
      await stopAll();
      throw error;
    }
  }
  project.provide(
    'kafkaBrokers',
    kafka === undefined ? [] : [{ version: kafka.version, brokers: kafka.brokers }],
  );
  project.provide('elasticMqEndpoint', elasticMq?.endpoint ?? '');
  return stopAll;
}
