import { TOKENS, type RunningDaemon, type Transport } from '@switchyard/core';
import { afterEach, describe, expect, it } from 'vitest';
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

    it('reports the backlog per partition while a handler blocks, and 0 once everything is committed', async () => {
      const topic = await createTopic(brokers, 1);
      await produceRaw(brokers, topic, events(30, 1));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let handled = 0;
      daemon = await startDaemon(
        async () => {
          await gate;
          handled += 1;
        },
        { brokers, topic, groupId: `kafka-test.lag-${Date.now()}`, mode: 'in-order', concurrency: 1 },
      );
      const transport = daemon.container.get<Transport>(TOKENS.Transport);
      const lagOf = (): number => transport.lag?.().find((lag) => lag.source === topic)?.messages ?? -1;
      await waitFor(() => lagOf() > 0, 30_000, 'a reported backlog');
      expect(lagOf()).toBe(30); // nothing finished yet: the whole partition is behind
      release();
      await waitFor(() => handled === 30 && lagOf() === 0, 30_000, 'the backlog to drain');
      expect(lagOf()).toBe(0);
    });
  },
);
