import { randomUUID } from 'node:crypto';
import { beforeAll, describe, it } from 'vitest';
import { createTopic } from '../test/kafka/support.js';
import { broker, brokers, NO_BROKER, WORKLOAD } from './kafka.js';
import { builtPackagesProblem, spawnChild, startupFigure } from './processes.js';
import { serverRunning } from './support.js';

// Start-up on Kafka: from spawning the process to its first poll. For switchyard that is `onReady`,
// right after its first receive: config loaded and validated, graph built, topics checked, group
// joined, kafkajs fetching. For raw kafkajs it is `consumer.run()` resolved (also after the join).
// A fresh group each round; the topic is empty, so no message is handled.
const problem = brokers === '' ? NO_BROKER : builtPackagesProblem();
const groupId = (): string => `bench.startup-${randomUUID().slice(0, 8)}`;

describe.skipIf(!serverRunning(problem === undefined, 'kafka-startup', problem ?? ''))(
  `Kafka ${broker?.version}: start-up`,
  () => {
    let topic = '';
    beforeAll(async () => {
      topic = await createTopic(brokers, WORKLOAD.partitions);
    });

    it('process start to first poll: switchyard vs raw kafkajs', async () => {
      await startupFigure(
        'kafka-startup',
        {
          kafka: broker?.version,
          partitions: WORKLOAD.partitions,
          until: 'first poll (group joined, fetching)',
        },
        () =>
          spawnChild('switchyard', ['--kafka-brokers', brokers, '--topic', topic, '--group-id', groupId()], {
            BENCH_TRANSPORT: 'kafka',
            BENCH_CHILD__DAEMON__LOG_LEVEL: 'warn',
          }),
        {
          label: 'raw kafkajs consumer',
          start: () =>
            spawnChild('reference', [], {
              BENCH_TRANSPORT: 'kafka',
              KAFKA_BROKERS: brokers,
              KAFKA_TOPIC: topic,
              KAFKA_GROUP_ID: groupId(),
            }),
        },
      );
    });
  },
);
