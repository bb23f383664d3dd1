import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { brokerCases, events, kafkaBrokers, produceRaw } from '../../kafka/support.js';
import { startElasticMq, type RunningElasticMq } from '../../servers/elasticmq.js';
import type { RunningKafka } from '../../servers/kafka.js';
import { noElasticMq } from '../../sqs/support.js';
import { restartUnderDaemon } from './scenarios.js';
import { startKafkaRetrying } from './servers.js';
import { eventIds, scratchDir } from './support.js';
import { kafkaTarget, sqsTarget } from './transports.js';

const KEYS = 64;

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: broker restart',
  ({ version }) => {
    const dir = scratchDir('kafka-restart');
    let broker: RunningKafka | undefined;
    // Its own broker: the suite's shared one must not go away under the other tests.
    beforeAll(async () => {
      broker = await startKafkaRetrying(version);
    });
    afterAll(() => broker?.stop());

    it('the daemon rides out a broker restart mid-stream: not ready, ready again, nothing lost', async () => {
      const count = 20_000;
      const { brokers } = broker!;
      // Readiness turns false after three heartbeat intervals (+ maxWaitTimeMs) without an answer from
      // the brokers; 300 ms heartbeats put that at 1.4 s, well inside a restart's 3 s or more.
      const target = await kafkaTarget({
        brokers,
        partitions: 4,
        count,
        mode: 'keyed',
        concurrency: 16,
        settings: { 'kafka.heartbeatIntervalMs': 300 },
      });
      const all = events(count, KEYS);
      await restartUnderDaemon({
        ...target,
        name: 'kafka-broker-restart',
        count,
        keys: KEYS,
        dir,
        restart: () => broker!.restart(),
        send: (from, to) => produceRaw(brokers, target.topic, all.slice(from, to), 1000),
      });
    });
  },
);

describe.skipIf(noElasticMq)('ElasticMQ restart (persistent)', () => {
  const dir = scratchDir('elasticmq-restart');
  let server: RunningElasticMq | undefined;
  // Its own ElasticMQ, keeping queues and messages on disk (H2) so a restart loses nothing.
  beforeAll(async () => {
    server = await startElasticMq({ dataDir: join(dir, 'data') });
  });
  afterAll(() => server?.stop());

  it('the daemon rides out an ElasticMQ restart mid-stream: not ready, ready again, nothing lost', async () => {
    const count = 10_000;
    const target = await sqsTarget({
      endpoint: server!.endpoint,
      visibilityTimeoutSeconds: 5,
      concurrency: 16,
    });
    const ids = eventIds(count, KEYS);
    await restartUnderDaemon({
      ...target,
      name: 'elasticmq-restart',
      count,
      keys: KEYS,
      dir,
      // Down for 3 s more than the stop and start take: the daemon's receives fail meanwhile.
      restart: () => server!.restart(3000),
      send: (from, to) => target.send(ids.slice(from, to)),
    });
  });
});
