import { startFauxqs } from 'fauxqs';
import type { TestProject } from 'vitest/node';
import { startElasticMq } from '../servers/elasticmq.js';
import { requireTool } from '../servers/requireTool.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** ElasticMQ's endpoint, or '' when java/mvn are missing (suites then skip loudly). */
    elasticMqEndpoint: string;
    fauxqsEndpoint: string;
  }
}

/** Starts ElasticMQ (the strict SQS) and fauxqs (SNS → SQS) for the suite; stops both afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const haveJava = requireTool('java', ['-version'], 'sqs') && requireTool('mvn', ['-v'], 'sqs');
  const elasticMq = haveJava ? await startElasticMq() : undefined;
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  project.provide('elasticMqEndpoint', elasticMq?.endpoint ?? '');
  project.provide('fauxqsEndpoint', fauxqs.address);
  return async () => {
    await Promise.all([elasticMq?.stop(), fauxqs.stop()]);
  };
}
