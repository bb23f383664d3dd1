import type { RunningDaemon } from '@switchyard/core';
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

const PARTITIONS = 4;
const COUNT = 1200;

/**
 * Starts daemon A, lets it get busy, then B joins the group; returns how often each message ran
 * and how many B handled (B must take partitions over, or nothing was tested).
 */
async function handOver(
  brokers: string,
  revokeDrainMs: number,
): Promise<{ runs: Map<string, number>; byB: number }> {
  const topic = await createTopic(brokers, PARTITIONS);
  await produceRaw(brokers, topic, events(COUNT, 64));
  const runs = new Map<string, number>();
  let byB = 0;
  const handler =
    (daemon: 'A' | 'B') =>
    async (event: { key: string; seq: number }): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const id = `${event.key}/${event.seq}`;
      runs.set(id, (runs.get(id) ?? 0) + 1);
      if (daemon === 'B') byB += 1;
    };
  const options = {
    brokers,
    topic,
    groupId: `kafka-test.revoke-${Date.now()}`,
    concurrency: 32,
    env: {
      KAFKA_TEST__KAFKA__REVOKE_DRAIN_MS: String(revokeDrainMs),
      KAFKA_TEST__KAFKA__SESSION_TIMEOUT_MS: '20000',
    },
  };
  daemons.push(await startDaemon(handler('A'), options));
  await waitFor(() => runs.size >= 100, 60_000, 'A busy');
  // B joins mid-stream: the group rebalances while A has up to 32 handlers running.
  daemons.push(await startDaemon(handler('B'), options));
  await waitFor(() => runs.size >= COUNT, 120_000, `all ${COUNT} handled`);
  return { runs, byB };
}

const daemons: RunningDaemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((daemon) => daemon.stop()));
});

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)('Kafka $version: revoke', ({ brokers }) => {
  it('kafka.revokeDrainMs: in-flight work finishes and is committed before the partitions move, so none runs twice', async () => {
    const { runs, byB } = await handOver(brokers, 10_000);
    const twice = [...runs.values()].filter((count) => count > 1).length;
    console.log(`Kafka revoke with drain: ${COUNT} messages, ${byB} by the joiner, 0 lost, ${twice} twice`);
    expect(byB).toBeGreaterThan(0);
    expect(runs.size).toBe(COUNT);
    expect(twice).toBe(0);
  });

  it('without it (default), nothing is lost; the handover may repeat what was in flight', async () => {
    const { runs, byB } = await handOver(brokers, 0);
    const twice = [...runs.values()].filter((count) => count > 1).length;
    console.log(
      `Kafka revoke without drain: ${COUNT} messages, ${byB} by the joiner, 0 lost, ${twice} twice`,
    );
    expect(byB).toBeGreaterThan(0);
    expect(runs.size).toBe(COUNT);
  });
});
