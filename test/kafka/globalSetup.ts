import type { TestProject } from 'vitest/node';
import { requireTool } from '../servers/requireTool.js';
import { selectedKafkaVersions, startKafka, type KafkaBroker, type RunningKafka } from '../servers/kafka.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One running broker per selected Kafka version; empty when java/mvn are missing (laptop). */
    kafkaBrokers: KafkaBroker[];
  }
}

/** Starts one single-node KRaft broker per selected version (one after another: two cores). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const running: RunningKafka[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(running.map((broker) => broker.stop()));
  };
  const available = requireTool('java', ['-version'], 'kafka') && requireTool('mvn', ['-v'], 'kafka');
  if (available) {
    try {
      for (const version of selectedKafkaVersions()) running.push(await startKafka(version));
    } catch (error) {
      await stopAll();
      throw error;
    }
  }
  project.provide(
    'kafkaBrokers',
    running.map(({ version, brokers }) => ({ version, brokers })),
  );
  return stopAll;
}
