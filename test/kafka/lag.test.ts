import { TOKENS, type RunningDaemon, type Transport } from '@switchyard/core';
import { healthPlugin } from '@switchyard/observability';
import { afterEach, describe, expect, it } from 'vitest';
import { sample, scrape } from '../../packages/observability/test/support/prometheus.js';
import { freePort } from '../servers/freePort.js';
import {
  brokerCases,
  createTopic,
  events,
  kafkaBrokers,
  produceRaw,
  startDaemon,
  waitFor,
} from './support.js';

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: consumer lag',
  ({ brokers }) => {
    let daemon: RunningDaemon | undefined;
    afterEach(async () => {
      await daemon?.stop();
      daemon = undefined;
    });

    it('reports the backlog per partition (transport and /metrics) while a handler blocks, 0 once committed', async () => {
      const topic = await createTopic(brokers, 1);
      await produceRaw(brokers, topic, events(30, 1));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let handled = 0;
      const port = await freePort();
      daemon = await startDaemon(
        async () => {
          await gate;
          handled += 1;
        },
        {
          brokers,
          topic,
          groupId: `kafka-test.lag-${Date.now()}`,
          mode: 'in-order',
          concurrency: 1,
          plugins: [healthPlugin],
          extraArgs: ['--healthcheck-port', String(port), '--set', 'health.host=127.0.0.1'],
        },
      );
      const lagSeries = `switchyard_consumer_lag_messages{source="${topic}",partition="0"}`;
      const scrapedLag = async (): Promise<number | undefined> =>
        sample(await scrape(`http://127.0.0.1:${port}`), lagSeries);
      const transport = daemon.container.get<Transport>(TOKENS.Transport);
      const lagOf = (): number => transport.lag?.().find((lag) => lag.source === topic)?.messages ?? -1;
      await waitFor(() => lagOf() > 0, 30_000, 'a reported backlog');
      expect(lagOf()).toBe(30); // nothing finished yet: the whole partition is behind
      expect(await scrapedLag()).toBe(30);
      release();
      await waitFor(() => handled === 30 && lagOf() === 0, 30_000, 'the backlog to drain');
      expect(lagOf()).toBe(0);
      expect(await scrapedLag()).toBe(0);
    });
  },
);
