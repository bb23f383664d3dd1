import type { RunningDaemon } from '@switchyard/core';
import { afterEach, describe, expect, it } from 'vitest';
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

const PARTITIONS = 4;
const COUNT = 1600;

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: consumer group',
  ({ brokers }) => {
    const daemons: RunningDaemon[] = [];
    afterEach(async () => {
      await Promise.all(daemons.splice(0).map((daemon) => daemon.stop()));
    });

    it('two daemons split the partitions, and the one that stays takes over when the other leaves, without loss', async () => {
      const topic = await createTopic(brokers, PARTITIONS);
      const groupId = `kafka-test.group-${Date.now()}`;
      const all = events(COUNT, 64);
      const handledBy = { a: new Set<string>(), b: new Set<string>() };
      const partitionsBy = { a: new Set<string>(), b: new Set<string>() };
      const handler =
        (name: 'a' | 'b') => async (event: { key: string; seq: number }, context: { messageId: string }) => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          handledBy[name].add(`${event.key}/${event.seq}`);
          partitionsBy[name].add(context.messageId.split('/')[1]!);
        };
      const options = { brokers, topic, groupId, concurrency: 8 };
      const a = await startDaemon(handler('a'), options);
      daemons.push(a);
      const b = await startDaemon(handler('b'), options);
      daemons.push(b);
      // A steady stream: the first half while both run.
      await produceRaw(brokers, topic, all.slice(0, COUNT / 2), 50);
      await waitFor(() => handledBy.a.size > 0 && handledBy.b.size > 0, 60_000, 'both daemons to consume');
      await waitFor(() => handledBy.a.size + handledBy.b.size >= COUNT / 4, 60_000, 'a quarter handled');
      // B leaves mid-stream (graceful: drains, commits, disconnects); A must take over its partitions.
      await b.stop();
      daemons.splice(daemons.indexOf(b), 1);
      const bPartitions = new Set(partitionsBy.b);
      partitionsBy.a.clear();
      await produceRaw(brokers, topic, all.slice(COUNT / 2), 50);
      const union = (): number => new Set([...handledBy.a, ...handledBy.b]).size;
      await waitFor(() => union() >= COUNT, 90_000, `all ${COUNT} handled by a or b`);
      expect(union()).toBe(COUNT);
      expect(bPartitions.size).toBeGreaterThan(0);
      expect(bPartitions.size).toBeLessThan(PARTITIONS);
      expect([...partitionsBy.a].sort()).toEqual(['0', '1', '2', '3']);
      await a.stop();
      daemons.splice(0);
      const committed = await committedOffsets(brokers, groupId, topic);
      const total = Object.values(committed).reduce((sum, offset) => sum + offset, 0);
      expect(total).toBe(COUNT);
    });
  },
);
