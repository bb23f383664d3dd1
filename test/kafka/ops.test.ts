import { randomUUID } from 'node:crypto';
import { RejectMessage, type RunningDaemon } from '@switchyard/core';
import { KAFKA_DEAD_LETTER_HEADERS } from '@switchyard/kafka';
import type { KafkaMessage } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonOf, switchyard } from '../support/runSwitchyard.js';
import { recordCount } from './opsSupport.js';
import {
  EVENT_MEDIA_TYPE,
  brokerCases,
  client,
  createTopic,
  header,
  kafkaBrokers,
  produceRaw,
  readAll,
  startDaemon,
  waitFor,
  type RawRecord,
} from './support.js';

interface Listed {
  count: number;
  replayed: number;
  truncated: boolean;
  groups: Array<{
    reason: string;
    mediaType: string | null;
    source: string | null;
    count: number;
    oldest: string;
    newest: string;
  }>;
  messages?: Array<{ id: string; reason: string; body: string; attributes: Record<string, string> }>;
}

/** A dead letter as the Kafka transport writes it (deadLetterHeaders.ts), for cases a daemon cannot make quickly. */
function deadLetter(
  value: string | Buffer | null,
  dead: { reason: string; source?: string; partition?: number },
  headers: RawRecord['headers'] = {},
  key: string | null = null,
): RawRecord {
  return {
    key,
    value,
    headers: {
      ...headers,
      [KAFKA_DEAD_LETTER_HEADERS.error]: dead.reason,
      [KAFKA_DEAD_LETTER_HEADERS.attempts]: '5',
      [KAFKA_DEAD_LETTER_HEADERS.offset]: '0',
      ...(dead.source === undefined
        ? {}
        : {
            [KAFKA_DEAD_LETTER_HEADERS.source]: dead.source,
            [KAFKA_DEAD_LETTER_HEADERS.topic]: dead.source,
            [KAFKA_DEAD_LETTER_HEADERS.partition]: String(dead.partition ?? 0),
          }),
    },
  };
}

const event = (key: string, seq: number): RawRecord => ({
  key,
  value: JSON.stringify({ key, seq }),
  headers: { media_type: EVENT_MEDIA_TYPE },
});

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: switchyard dlq',
  ({ brokers }) => {
    let daemon: RunningDaemon | undefined;
    afterEach(async () => {
      await daemon?.stop();
      daemon = undefined;
    });
    // Each test its own replay group, so what one replays is not another's progress.
    const flags = (topic: string): string[] => [
      '--kafka-brokers',
      brokers,
      '--topic',
      topic,
      '--group',
      `ops-test.replay-${randomUUID().slice(0, 8)}`,
    ];

    it('lists what a daemon dead-lettered by reason, shows one, and replays the fixed ones back to the daemon', async () => {
      const topic = await createTopic(brokers, 2);
      const dlt = `${topic}.dlt`;
      const handled: Array<{ id: string; attempt: number }> = [];
      let broken = true;
      daemon = await startDaemon(
        (received, context) => {
          if (broken) throw new RejectMessage('warehouse refused the event');
          handled.push({ id: `${received.key}/${received.seq}`, attempt: context.attempt });
        },
        { brokers, topic },
      );
      await produceRaw(brokers, topic, [
        event('k0', 0),
        event('k1', 0),
        event('k0', 1),
        event('k1', 1),
        { key: 'k2', value: 'password=hunter2 is not json', headers: { media_type: EVENT_MEDIA_TYPE } },
      ]);
      await waitFor(() => daemon!.counter.finished >= 5, 30_000, '5 outcomes');
      await readAll(brokers, dlt, 5);
      const run = flags(dlt);

      const listed = jsonOf<Listed>(await switchyard('dlq', 'list', ...run, '--json', '--messages'));
      expect(listed).toMatchObject({ count: 5, replayed: 0, truncated: false });
      expect(listed.groups.map((group) => group.count)).toEqual([4, 1]);
      expect(listed.groups[0]).toMatchObject({ mediaType: EVENT_MEDIA_TYPE, source: topic });
      expect(listed.groups[0]!.reason).toBe('rejected: warehouse refused the event');
      expect(listed.groups[1]!.reason).toMatch(/not JSON/i);
      expect(listed.groups[1]).toMatchObject({ source: topic, count: 1 });
      expect(Date.parse(listed.groups[0]!.oldest)).toBeLessThanOrEqual(Date.parse(listed.groups[0]!.newest));
      expect(listed.messages!.every((message) => message.id.startsWith(`${dlt}/`))).toBe(true);

      const text = await switchyard('dlq', 'list', ...run);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/^5 dead letters on \S+\.dlt \(replay group ops-test\.replay-\w+\)/);
      expect(text.stdout).toMatch(/COUNT\s+REASON\s+MEDIA TYPE\s+SOURCE\s+OLDEST\s+NEWEST/);

      const notJson = listed.messages!.find((message) => message.body.includes('hunter2'))!;
      const shown = await switchyard('dlq', 'show', notJson.id, ...run);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain(`id:         ${notJson.id}`);
      expect(shown.stdout).toContain(`source:     ${topic}`);
      expect(shown.stdout).toContain('key:        k2');
      expect(shown.stdout).toContain('password=hunter2 is not json');
      // partition/offset alone names the same record.
      const short = notJson.id.split('/').slice(-2).join('/');
      const again = jsonOf<{ id: string }>(await switchyard('dlq', 'show', short, ...run, '--json'));
      expect(again.id).toBe(notJson.id);

      const dry = await switchyard('dlq', 'replay', ...run, '--reason', 'warehouse', '--dry-run');
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout.match(/^would replay {2}\S+ -> /gm)).toHaveLength(4);
      expect(dry.stdout).toMatch(/^would replay 4; skipped 1 filtered$/m);
      expect(jsonOf<Listed>(await switchyard('dlq', 'list', ...run, '--json')).count).toBe(5);
      expect(handled).toHaveLength(0);

      // The warehouse is fixed: replay what it refused.
      broken = false;
      const replay = await switchyard(
        'dlq',
        'replay',
        ...run,
        '--reason',
        'warehouse refused',
        '--actor',
        'alice',
      );
      expect(replay.code, replay.stderr).toBe(0);
      expect(replay.stdout.match(/^replayed {6}\S+ -> /gm)).toHaveLength(4);
      expect(replay.stdout).toMatch(new RegExp(`^replayed {6}\\S+ -> ${topic}$`, 'm'));
      expect(replay.stdout).toMatch(/^replayed 4; skipped 1 filtered$/m);
      await waitFor(() => handled.length >= 4, 30_000, 'the replayed events handled');
      expect(handled.map(({ id }) => id).sort()).toEqual(['k0/0', 'k0/1', 'k1/0', 'k1/1']);
      // The attempt count restarts: each replayed event is on its first attempt.
      expect(handled.map(({ attempt }) => attempt)).toEqual([1, 1, 1, 1]);

      // The replay group's commits record what was replayed: the list shows only the rest, and a
      // second replay sends nothing twice.
      const left = jsonOf<Listed>(await switchyard('dlq', 'list', ...run, '--json', '--messages'));
      expect(left).toMatchObject({ count: 1, replayed: 4 });
      expect(left.messages![0]!.id).toBe(notJson.id);
      const second = await switchyard('dlq', 'replay', ...run, '--reason', 'warehouse');
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/^replayed 0; skipped 1 filtered$/m);
      expect(await recordCount(brokers, topic)).toBe(5 + 4);
    });

    it('keeps the key, opaque bytes and headers, drops the dead-letter headers, and records the replay', async () => {
      const source = await createTopic(brokers, 3);
      const dlt = await createTopic(brokers, 1);
      const target = await createTopic(brokers, 1);
      const opaque = Buffer.from([0, 1, 2, 255, 254, 0x1b]);
      await produceRaw(brokers, dlt, [
        deadLetter(
          opaque,
          { reason: 'handler failed 5 times', source, partition: 2 },
          { media_type: EVENT_MEDIA_TYPE, blob: Buffer.from([0, 159, 255]), traceparent: '00-abc-def-01' },
          'key-1',
        ),
        deadLetter(
          JSON.stringify({ key: 'key-2', seq: 1 }),
          { reason: 'handler failed 5 times', source, partition: 2 },
          { media_type: EVENT_MEDIA_TYPE },
          'key-2',
        ),
      ]);
      const run = flags(dlt);
      // The first to --to: the key, bytes and headers kept, the dead-letter headers dropped.
      const first = await switchyard(
        'dlq',
        'replay',
        ...run,
        '--to',
        target,
        '--limit',
        '1',
        '--actor',
        'bob',
        '--json',
      );
      const summary = jsonOf<{
        replayed: number;
        messages: Array<{ kind: string; target: string; id: string }>;
      }>(first);
      expect(summary.replayed).toBe(1);
      expect(summary.messages).toEqual([{ kind: 'replayed', id: `${dlt}/0/0`, target }]);
      const [replayed] = await readAll(brokers, target, 1);
      expect(String(replayed!.key)).toBe('key-1');
      expect(Buffer.compare(replayed!.value!, opaque)).toBe(0);
      const headers = replayed!.headers!;
      expect(Buffer.compare(headers.blob as Buffer, Buffer.from([0, 159, 255]))).toBe(0);
      expect(header(headers.traceparent)).toBe('00-abc-def-01');
      expect(header(headers.media_type)).toBe(EVENT_MEDIA_TYPE);
      expect(header(headers['x-replayed-by'])).toBe('bob');
      expect(header(headers['x-replayed-from'])).toBe(dlt);
      expect(Date.parse(header(headers['x-replayed-at'])!)).not.toBeNaN();
      for (const name of Object.values(KAFKA_DEAD_LETTER_HEADERS)) expect(headers[name]).toBeUndefined();

      // The second back to its x-original-source, on the partition it was read from.
      const back = await switchyard('dlq', 'replay', ...run, '--json');
      expect(jsonOf<{ replayed: number }>(back).replayed).toBe(1);
      const consumer = client(brokers).consumer({ groupId: `reader.${randomUUID()}`, maxWaitTimeInMs: 100 });
      const seen: Array<{ partition: number; message: KafkaMessage }> = [];
      await consumer.connect();
      await consumer.subscribe({ topics: [source], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => void seen.push({ partition, message }),
      });
      await waitFor(() => seen.length >= 1, 30_000, 'the replayed record on its source');
      await consumer.disconnect();
      expect(seen).toHaveLength(1);
      expect(seen[0]!.partition).toBe(2);
      expect(String(seen[0]!.message.key)).toBe('key-2');
      expect(jsonOf<Listed>(await switchyard('dlq', 'list', ...run, '--json'))).toMatchObject({
        count: 0,
        replayed: 2,
      });
    });

    it('replays at most --limit, leaves bounded records and ones without a source, and says why', async () => {
      const source = await createTopic(brokers, 1);
      const dlt = await createTopic(brokers, 1);
      await produceRaw(brokers, dlt, [
        ...[0, 1, 2, 3].map((seq) =>
          deadLetter(
            JSON.stringify({ key: 'k', seq }),
            { reason: 'timeout', source },
            { media_type: EVENT_MEDIA_TYPE },
          ),
        ),
        deadLetter(
          'cut',
          { reason: 'too big', source },
          {
            [KAFKA_DEAD_LETTER_HEADERS.bounded]: 'true',
            [KAFKA_DEAD_LETTER_HEADERS.boundedReason]: 'the copy is 3000000 bytes',
          },
        ),
        { key: null, value: 'no headers at all' },
      ]);
      const run = flags(dlt);
      const limited = await switchyard('dlq', 'replay', ...run, '--reason', 'timeout', '--limit', '2');
      expect(limited.code, limited.stderr).toBe(0);
      expect(limited.stdout.match(/^replayed {6}/gm)).toHaveLength(2);
      expect(await recordCount(brokers, source)).toBe(2);
      const rest = await switchyard('dlq', 'replay', ...run);
      expect(rest.code, rest.stderr).toBe(0);
      expect(rest.stdout).toMatch(/skipped +\S+: a bounded record/);
      expect(rest.stdout).toMatch(/skipped +\S+: no x-original-source; pass --to/);
      expect(rest.stdout).toMatch(/^replayed 2; skipped 1 bounded, 1 no source$/m);
      expect(await recordCount(brokers, source)).toBe(4);
      const left = jsonOf<Listed>(await switchyard('dlq', 'list', ...run, '--json'));
      expect(left).toMatchObject({ count: 2, replayed: 4 });
      // The replayed ones in order: seq 0 to 3.
      const records = await readAll(brokers, source, 4);
      expect(records.map((record) => (JSON.parse(String(record.value)) as { seq: number }).seq)).toEqual([
        0, 1, 2, 3,
      ]);
    });

    it('paces a replay with --rate', async () => {
      const source = await createTopic(brokers, 1);
      const dlt = await createTopic(brokers, 1);
      await produceRaw(
        brokers,
        dlt,
        [0, 1, 2, 3, 4, 5].map((seq) =>
          deadLetter(JSON.stringify({ key: 'k', seq }), { reason: 'timeout', source }),
        ),
      );
      const replay = switchyard('dlq', 'replay', ...flags(dlt), '--rate', '2');
      // Counted while it runs: at 2 per second, 6 records cannot all be there at once.
      let seenPartial = false;
      for (let polls = 0; polls < 600; polls += 1) {
        const count = await recordCount(brokers, source);
        if (count > 0 && count < 6) seenPartial = true;
        if (count === 6) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await replay).code).toBe(0);
      expect(seenPartial).toBe(true);
    });
  },
);
