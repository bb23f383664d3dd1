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

const COUNT = 1200;
const KEYS = 64;
const PARTITIONS = 3;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Seen {
  key: string;
  seq: number;
  partition: number;
  offset: number;
}

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: consumer modes',
  ({ brokers }) => {
    let daemon: RunningDaemon | undefined;
    afterEach(async () => {
      await daemon?.stop();
      daemon = undefined;
    });

    /** Runs COUNT events over KEYS keys through a daemon in `mode`; tracks order and concurrency. */
    async function run(mode: 'keyed' | 'in-order' | 'unordered') {
      const topic = await createTopic(brokers, PARTITIONS);
      const groupId = `kafka-test.${mode}-${Date.now()}`;
      await produceRaw(brokers, topic, events(COUNT, KEYS));
      const seen: Seen[] = [];
      const running = new Map<string, number>();
      let maxRunningPerKey = 0;
      let maxRunningPerPartition = 0;
      let maxRunning = 0;
      let runningTotal = 0;
      daemon = await startDaemon(
        async (event, context) => {
          const [, partition = '', offset = ''] = context.messageId.split('/');
          const byKey = `k:${event.key}`;
          const byPartition = `p:${partition}`;
          running.set(byKey, (running.get(byKey) ?? 0) + 1);
          running.set(byPartition, (running.get(byPartition) ?? 0) + 1);
          runningTotal += 1;
          maxRunningPerKey = Math.max(maxRunningPerKey, running.get(byKey)!);
          maxRunningPerPartition = Math.max(maxRunningPerPartition, running.get(byPartition)!);
          maxRunning = Math.max(maxRunning, runningTotal);
          await sleep(Math.random() * 3);
          seen.push({ key: event.key, seq: event.seq, partition: Number(partition), offset: Number(offset) });
          running.set(byKey, running.get(byKey)! - 1);
          running.set(byPartition, running.get(byPartition)! - 1);
          runningTotal -= 1;
        },
        { brokers, topic, groupId, mode, concurrency: 16 },
      );
      // Unique messages, not outcomes: a rebalance under load may replay uncommitted ones (at-least-once).
      const unique = (): number => new Set(seen.map((item) => `${item.key}/${item.seq}`)).size;
      await waitFor(() => unique() >= COUNT, 60_000, `${COUNT} messages`);
      await daemon.stop();
      daemon = undefined;
      const committed = await committedOffsets(brokers, groupId, topic);
      const offsets = new Map<number, Set<number>>();
      for (const item of seen)
        offsets.set(item.partition, (offsets.get(item.partition) ?? new Set()).add(item.offset));
      const perPartition = new Map([...offsets].map(([partition, handled]) => [partition, handled.size]));
      return { seen, committed, perPartition, maxRunningPerKey, maxRunningPerPartition, maxRunning };
    }

    /**
     * Every message at least once. Duplicates can only come from a rebalance replaying what was not
     * yet committed; the figure is printed, and the order checks below must hold for replays too.
     */
    function expectAllAtLeastOnce(seen: Seen[], mode: string): void {
      expect(new Set(seen.map((item) => `${item.key}/${item.seq}`)).size).toBe(COUNT);
      process.stdout.write(
        `kafka ${mode}: ${COUNT} messages, ${seen.length - COUNT} handled twice (replays)\n`,
      );
    }

    /** Within each group (key or partition), a message never runs before its predecessor has run. */
    function expectNeverAhead(
      seen: Seen[],
      group: (item: Seen) => string,
      position: (item: Seen) => number,
      first: number,
    ): void {
      const highest = new Map<string, number>();
      for (const item of seen) {
        const top = highest.get(group(item)) ?? first - 1;
        expect(position(item)).toBeLessThanOrEqual(top + 1);
        highest.set(group(item), Math.max(top, position(item)));
      }
    }

    function expectCommittedToEnd(result: Awaited<ReturnType<typeof run>>): void {
      // Everything finished, so the committed offset of each partition is its end offset.
      for (const [partition, count] of result.perPartition) expect(result.committed[partition]).toBe(count);
    }

    it('keyed: for every key offsets and seqs strictly increase; keys run in parallel; all committed', async () => {
      const result = await run('keyed');
      expectAllAtLeastOnce(result.seen, 'keyed');
      expectNeverAhead(
        result.seen,
        (item) => item.key,
        (item) => item.seq,
        0,
      );
      // seq and offset grow together within a key, so "never ahead" by seq is also by offset.
      const offsetBySeq = new Map(result.seen.map((item) => [`${item.key}/${item.seq}`, item.offset]));
      for (const item of result.seen) {
        const previous = offsetBySeq.get(`${item.key}/${item.seq - 1}`);
        if (previous !== undefined) expect(item.offset).toBeGreaterThan(previous);
      }
      expect(result.maxRunningPerKey).toBe(1);
      expect(result.maxRunningPerPartition).toBeGreaterThan(1);
      expectCommittedToEnd(result);
    });

    it('in-order: one message at a time per partition, in offset order; all committed', async () => {
      const result = await run('in-order');
      expectAllAtLeastOnce(result.seen, 'in-order');
      expectNeverAhead(
        result.seen,
        (item) => String(item.partition),
        (item) => item.offset,
        0,
      );
      expect(result.maxRunningPerPartition).toBe(1);
      expect(result.maxRunning).toBeGreaterThan(1);
      expectCommittedToEnd(result);
    });

    it('unordered: keys and partitions run concurrently; every message once; all committed', async () => {
      const result = await run('unordered');
      expectAllAtLeastOnce(result.seen, 'unordered');
      expect(result.maxRunningPerKey).toBeGreaterThan(1);
      expectCommittedToEnd(result);
    });
  },
);
