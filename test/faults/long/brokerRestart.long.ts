import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { brokerCases, events, kafkaBrokers, produceRaw } from '../../kafka/support.js';
import { startElasticMq, type RunningElasticMq } from '../../servers/elasticmq.js';
import { noElasticMq } from '../../sqs/support.js';
import { restartUnderDaemon } from './scenarios.js';
import { startKafka, type RunningKafka } from '../../servers/kafka.js';
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
      broker = await startKafka(version);
    });
    afterAll(() => broker?.stop());

    const restartOnce = async (name: string, count: number): Promise<void> => {
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
        name,
        serverPort: Number(brokers.split(':')[1]),
        count,
        keys: KEYS,
        dir: dir(),
        restart: () => broker!.restart(),
        send: (from, to) => produceRaw(brokers, target.topic, all.slice(from, to), 1000),
      });
    };

    it('the daemon rides out a broker restart mid-stream: not ready, ready again, nothing lost', async () => {
      await restartOnce('kafka-broker-restart', 20_000);
    });

    // Regression test: after a broker restart the daemon sometimes never exited on SIGTERM (a kafkajs
    // socket opened during the recovery held the process until the broker closed the idle connection,
    // 10 min), about one restart in three, so five restarts. Fixed in 6eb8f5b (docs/faults.md).
    it('exits on SIGTERM after a broker restart, every time (5 restarts)', async () => {
      for (let attempt = 1; attempt <= 5; attempt += 1)
        await restartOnce(`kafka-broker-restart-exit-${attempt}`, 4000);
    });
  },
);

describe.skipIf(noElasticMq)('ElasticMQ restart (persistent)', () => {
  const dir = scratchDir('elasticmq-restart');
  let server: RunningElasticMq | undefined;
  // Its own ElasticMQ, keeping queues and messages on disk (H2) so a restart loses nothing.
  beforeAll(async () => {
    server = await startElasticMq({ dataDir: join(dir(), 'data') });
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
      serverPort: Number(new URL(server!.endpoint).port),
      count,
      keys: KEYS,
      dir: dir(),
      // Down 3 s between the stop and the start. Under the daemon's load ElasticMQ 1.6 does not
      // exit on SIGTERM (it keeps serving) and is SIGKILLed after 10 s: its H2 store must survive that.
      restart: () => server!.restart(3000),
      send: (from, to) => target.send(ids.slice(from, to)),
    });
  });
});
