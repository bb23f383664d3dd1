import { randomUUID } from 'node:crypto';
import { KAFKA_DEAD_LETTER_HEADERS } from '@switchyard/kafka';
import { describe, expect, it } from 'vitest';
import { killMidway } from '../support/killMidway.js';
import { jsonOf, spawnSwitchyard, switchyard, type CliRun } from '../support/runSwitchyard.js';
import { recordCount } from './opsSupport.js';
import { brokerCases, createTopic, kafkaBrokers, produceRaw, readAll } from './support.js';

const COUNT = 60;

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: dlq replay killed with SIGKILL',
  ({ brokers }) => {
    it('loses no dead letter: run again, every one reaches its source at least once', async () => {
      const source = await createTopic(brokers, 1);
      const dlt = await createTopic(brokers, 2);
      await produceRaw(
        brokers,
        dlt,
        Array.from({ length: COUNT }, (_, seq) => ({
          key: `k${seq % 4}`,
          value: JSON.stringify({ seq }),
          headers: {
            [KAFKA_DEAD_LETTER_HEADERS.error]: 'timeout',
            [KAFKA_DEAD_LETTER_HEADERS.source]: source,
            [KAFKA_DEAD_LETTER_HEADERS.attempts]: '5',
          },
        })),
      );
      const flags = [
        '--kafka-brokers',
        brokers,
        '--topic',
        dlt,
        '--group',
        `kill-test.${randomUUID().slice(0, 8)}`,
      ];
      const child = spawnSwitchyard(['dlq', 'replay', ...flags, '--rate', '10']);
      let printed = '';
      child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      const killed = await killMidway(
        child,
        async () => (printed.match(/^replayed {6}/gm)?.length ?? 0) >= 10,
        '10 dead letters replayed',
      );
      expect(killed.signal).toBe('SIGKILL');

      // Run again. The killed process is still a member of the replay group until its session
      // times out: the replay says so and refuses; the operator waits and runs it again.
      const replay = (): Promise<CliRun> => switchyard('dlq', 'replay', ...flags);
      let rerun = await replay();
      let refusals = 0;
      while (rerun.code !== 0 && refusals < 30) {
        expect(rerun.stderr).toMatch(
          /^switchyard: replay group \S+ has 1 member\(s\): another replay is running, or one was killed/,
        );
        refusals += 1;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        rerun = await replay();
      }
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stdout).toMatch(/^replayed \d+$/m);

      // Everything on the source (read to its end offset, so a duplicate is not missed).
      const arrived = await readAll(brokers, source, await recordCount(brokers, source));
      const seqs = arrived.map((record) => (JSON.parse(String(record.value)) as { seq: number }).seq);
      const unique = new Set(seqs);
      // None lost: every dead letter reached its source.
      expect([...unique].sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT }, (_, seq) => seq));
      // Duplicated at most the one record produced but not yet committed when the kill came.
      const duplicates = seqs.length - unique.size;
      console.info(
        `replay killed after ${printed.match(/^replayed {6}/gm)?.length} replayed; duplicates: ${duplicates}; refusals while the killed member timed out: ${refusals}`,
      );
      expect(duplicates).toBeLessThanOrEqual(1);
      const listed = jsonOf<{ count: number; replayed: number }>(
        await switchyard('dlq', 'list', ...flags, '--json'),
      );
      expect(listed).toMatchObject({ count: 0, replayed: COUNT });
    });
  },
);
