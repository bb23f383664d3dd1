import type { RunningDaemon } from '@switchyard/core';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
  'Kafka $version: broker restart and hang',
  ({ version }) => {
    let broker: RunningKafka;
    let daemon: RunningDaemon | undefined;
    beforeAll(async () => {
      broker = await startKafka(version);
    });
    /**
     * Half of COUNT events on a new topic and a daemon (5 ms handler, 1 s heartbeats, 6 s session)
     * that has handled 50 of them: the stream the broker faults interrupt.
     */
    async function busyDaemon(groupId: string, logger?: Logger, env: Record<string, string> = {}) {
      const topic = await createTopic(broker.brokers, 2);
      const all = events(COUNT, 16);
      await produceRaw(broker.brokers, topic, all.slice(0, COUNT / 2));
      const handled = new Set<string>();
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
          logger,
          env: {
            KAFKA_TEST__KAFKA__SESSION_TIMEOUT_MS: '6000',
            KAFKA_TEST__KAFKA__HEARTBEAT_INTERVAL_MS: '1000',
            ...env,
          },
        },
      );
      await waitFor(() => handled.size >= 50, 60_000, '50 handled before the fault');
      return { topic, all, handled };
    }

    afterEach(async () => {
      await daemon?.stop();
      daemon = undefined;
    });
    afterAll(async () => {
      await broker?.stop();
    });

    it('reconnects after the broker restarts mid-stream, not ready meanwhile, loses nothing, commits to the end', async () => {
      const groupId = `kafka-test.restart-${Date.now()}`;
      const { topic, all, handled } = await busyDaemon(groupId);
      let notReadySamples = 0;
      const sampler = setInterval(() => void (daemon!.status.ready || (notReadySamples += 1)), 50);
      // Down for 5 s: longer than the three heartbeat intervals (1 s here) that readiness allows.
      await broker.restart(5000);
      await produceRaw(broker.brokers, topic, all.slice(COUNT / 2));
      await waitFor(() => handled.size >= COUNT, 120_000, `all ${COUNT} handled after the restart`);
      clearInterval(sampler);
      expect(handled.size).toBe(COUNT);
      // The outage showed in readiness, and readiness came back by itself.
      expect(notReadySamples).toBeGreaterThan(0);
      await waitFor(() => daemon!.status.ready, 30_000, 'ready again');
      await daemon!.stop();
      daemon = undefined;
      const committed = await committedOffsets(broker.brokers, groupId, topic);
      expect(Object.values(committed).reduce((sum, offset) => sum + offset, 0)).toBe(COUNT);
      console.info(
        `Kafka ${version} restart: daemon reported not-ready in ${notReadySamples} samples of 50 ms`,
      );
    });

    it('a hung broker stalls the consumer: the watchdog rebuilds it, readiness drops and returns, nothing lost', async () => {
      const logLines: string[] = [];
      const logger = pino(
        { level: 'info' },
        new Writable({
          write: (chunk: Buffer, _encoding, done) => done(void logLines.push(chunk.toString())),
        }),
      );
      const { topic, all, handled } = await busyDaemon(`kafka-test.stall-${Date.now()}`, logger, {
        KAFKA_TEST__KAFKA__STALL_TIMEOUT_MS: '2000',
      });
      let notReadySamples = 0;
      const sampler = setInterval(() => void (daemon!.status.ready || (notReadySamples += 1)), 50);
      await broker.freeze(8000);
      await produceRaw(broker.brokers, topic, all.slice(COUNT / 2));
      await waitFor(() => handled.size >= COUNT, 120_000, `all ${COUNT} handled after the broker came back`);
      clearInterval(sampler);
      await waitFor(() => daemon!.status.ready, 30_000, 'ready again');
      expect(handled.size).toBe(COUNT);
      expect(notReadySamples).toBeGreaterThan(0);
      expect(logLines.some((line) => line.includes('kafka consumer stalled; restarting it'))).toBe(true);
      expect(logLines.some((line) => line.includes('kafka consumer restarted'))).toBe(true);
      await daemon!.stop();
      daemon = undefined;
      console.info(`Kafka ${version} hung broker (8 s): not ready in ${notReadySamples} samples of 50 ms`);
    });
  },
);
