import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { writeFigures } from './figures.js';
import { startElasticMq, type RunningElasticMq } from '../../servers/elasticmq.js';
import { requireTool } from '../../servers/requireTool.js';
import { KAFKA_VERSIONS, startKafka, type RunningKafka } from '../../servers/kafka.js';
import { haveNatsServer, useNats, type RunningNats } from '../../servers/nats.js';

// `kafkaBrokers`, `elasticMqEndpoint`, `natsServers` and `natsServerBinary` are declared by the
// kafka, sqs and nats suites' global setups; the long fault suite provides the same keys, so it
// reuses their support modules.

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
 * the kafka suite covers both versions), and NATS as the nats suite finds it (the machine's
 * 127.0.0.1:4222 when it answers with JetStream, else a nats-server started here). Tests that
 * restart a server start their own. Without java/mvn, or without any NATS server, those tests skip
 * loudly; with CI=true that is a failure (requireTool).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const available =
    requireTool('java', ['-version'], 'faults-long') && requireTool('mvn', ['-v'], 'faults-long');
  let kafka: RunningKafka | undefined;
  let elasticMq: RunningElasticMq | undefined;
  // First: when it throws (CI=true without nats-server), nothing else is running yet.
  const nats: RunningNats | undefined = await useNats('faults-long');
  const figuresLedger = join(mkdtempSync(join(tmpdir(), 'switchyard-figures-')), 'figures.log');
  project.provide('figuresLedger', figuresLedger);
  const stopAll = async (): Promise<void> => {
    await Promise.all([kafka?.stop(), elasticMq?.stop(), nats?.stop()]);
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
  project.provide('natsServers', nats?.servers ?? '');
  project.provide(
    'natsServerBinary',
    nats === undefined ? false : nats.owned || haveNatsServer('faults-long'),
  );
  return stopAll;
}
