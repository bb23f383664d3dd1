import { describe, it } from 'vitest';
import { createQueue, elasticMq, sqsClient } from '../test/sqs/support.js';
import { builtPackagesProblem, spawnChild, startupFigure } from './processes.js';
import { serverRunning } from './support.js';

// Start-up on SQS (ElasticMQ): from spawning the process to its first poll. For switchyard that is
// `onReady`, right after its first ReceiveMessage went out (config loaded and validated, graph built,
// queue checked); for sqs-consumer it is `start()` returned (its first receive is on its way).
const problem = elasticMq === '' ? 'no ElasticMQ (java or mvn missing)' : builtPackagesProblem();

describe.skipIf(!serverRunning(problem === undefined, 'sqs-startup', problem ?? ''))('SQS: start-up', () => {
  it('process start to first poll: switchyard vs sqs-consumer', async () => {
    const queue = await createQueue(sqsClient(elasticMq), 'bench-startup');
    await startupFigure(
      'sqs-startup',
      { server: 'ElasticMQ', until: 'first receive sent' },
      () =>
        spawnChild('switchyard', ['--queue-url', queue, '--endpoint-url', elasticMq], {
          BENCH_TRANSPORT: 'sqs',
          BENCH_CHILD__DAEMON__LOG_LEVEL: 'warn',
        }),
      {
        label: 'sqs-consumer',
        start: () =>
          spawnChild('reference', [], {
            BENCH_TRANSPORT: 'sqs',
            SQS_QUEUE_URL: queue,
            SQS_ENDPOINT: elasticMq,
          }),
      },
    );
  });
});
