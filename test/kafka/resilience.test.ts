import type { RunningDaemon } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type RunningKafka } from '../servers/kafka.js';
import {
  committedOffsets,
  createTopic,
  events,
  kafkaBrokers,
  produceRaw,
  startDaemon,
  waitFor,
  brokerCases,
} from './support.js';

const COUNT = 600;

// Its own broker per version, since the test restarts it under a running daemon.
describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: broker restart',
  ({ version }) => {
    let broker: RunningKafka;
    let daemon: RunningDaemon | undefined;
    beforeAll(async () => {
      broker = await startKafka(version);
    });
    afterAll(async () => {
      await daemon?.stop();
      await broker?.stop();
    });

    it('reconnects after the broker restarts mid-stream, loses nothing, and commits to the end', async () => {
      const topic = await createTopic(broker.brokers, 2);
      const groupId = `kafka-test.restart-${Date.now()}`;
      const all = events(COUNT, 16);
      await produceRaw(broker.brokers, topic, all.slice(0, COUNT / 2));
      const handled = new Set<string>();
      let notReadySamples = 0;
      daemon = await startDaemon(
        async (event) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          handled.add(`${event.key}/${event.seq}`);
        },
        {
          brokers: broker.brokers,
          topic,
          groupId,
          concurrency: 4,
          env: {
            KAFKA_TEST__KAFKA__SESSION_TIMEOUT_MS: '6000',
            KAFKA_TEST__KAFKA__HEARTBEAT_INTERVAL_MS: '1000',
          },
        },
      );
      await waitFor(() => handled.size >= 50, 60_000, '50 handled before the restart');
      const sampler = setInterval(() => void (daemon!.status.ready || (notReadySamples += 1)), 50);
      await broker.restart();
      await produceRaw(broker.brokers, topic, all.slice(COUNT / 2));
      await waitFor(() => handled.size >= COUNT, 120_000, `all ${COUNT} handled after the restart`);
      clearInterval(sampler);
      expect(handled.size).toBe(COUNT);
      await daemon.stop();
      daemon = undefined;
      const committed = await committedOffsets(broker.brokers, groupId, topic);
      expect(Object.values(committed).reduce((sum, offset) => sum + offset, 0)).toBe(COUNT);
      console.info(
        `Kafka ${version} restart: daemon reported not-ready in ${notReadySamples} samples of 50 ms`,
      );
    });
  },
);
