import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsonOf, spawnSwitchyard, switchyard } from '../support/runSwitchyard.js';
import { EVENT_MEDIA_TYPE, brokerCases, client, createTopic, kafkaBrokers, produceRaw } from './support.js';

interface Tailed {
  id: string;
  mediaType: string | null;
  key: string | null;
  location: string;
  attributes: Record<string, string>;
  body: string | null;
  bodyEncoding: string;
}

const linesOf = (stdout: string): Tailed[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Tailed);

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: switchyard tail and lag',
  ({ brokers }) => {
    const kafka = ['--kafka-brokers', brokers];

    it('tails a topic from the beginning, from an offset or only new records, filtered, and commits for no group', async () => {
      const topic = await createTopic(brokers, 2);
      await produceRaw(brokers, topic, [
        {
          key: 'a',
          value: JSON.stringify({ key: 'a', seq: 0 }),
          headers: { media_type: EVENT_MEDIA_TYPE },
          partition: 0,
        },
        {
          key: 'a',
          value: JSON.stringify({ key: 'a', seq: 1 }),
          headers: { media_type: EVENT_MEDIA_TYPE },
          partition: 0,
        },
        {
          key: 'b',
          value: JSON.stringify({ key: 'b', seq: 0 }),
          headers: { media_type: 'application/vnd.other' },
          partition: 1,
        },
        { key: 'c', value: Buffer.from([0xff, 0xfe, 0x00]), headers: { trace: 'x' }, partition: 1 },
      ]);

      const all = await switchyard(
        'tail',
        ...kafka,
        '--topic',
        topic,
        '--from-beginning',
        '--json',
        '--limit',
        '4',
      );
      expect(all.code, all.stderr).toBe(0);
      expect(all.stderr).toMatch(/without a consumer group commit/);
      const records = linesOf(all.stdout);
      expect(records.map(({ id }) => id).sort()).toEqual([
        `${topic}/0/0`,
        `${topic}/0/1`,
        `${topic}/1/0`,
        `${topic}/1/1`,
      ]);
      expect(records.find(({ id }) => id === `${topic}/0/1`)).toMatchObject({
        mediaType: EVENT_MEDIA_TYPE,
        key: 'a',
        location: 'partition 0 offset 1',
        attributes: { media_type: EVENT_MEDIA_TYPE },
        body: JSON.stringify({ key: 'a', seq: 1 }),
        bodyEncoding: 'utf8',
      });
      expect(records.find(({ key }) => key === 'c')).toMatchObject({ body: '//4A', bodyEncoding: 'base64' });

      const filtered = await switchyard(
        'tail',
        ...kafka,
        '--topic',
        topic,
        '--from-beginning',
        '--media-type',
        'application/vnd.switchyard.*',
        '--key',
        'a',
        '--grep',
        '"seq":1',
        '--limit',
        '1',
      );
      expect(filtered.code, filtered.stderr).toBe(0);
      expect(filtered.stdout).toContain(`id:         ${topic}/0/1`);
      expect(filtered.stdout).toContain(`media type: ${EVENT_MEDIA_TYPE}`);
      expect(filtered.stdout).toContain('media_type: application/vnd.switchyard.test-event');
      expect(filtered.stdout).toContain('{"key":"a","seq":1}');

      const fromOffset = await switchyard(
        'tail',
        ...kafka,
        '--topic',
        topic,
        '--from-offset',
        '1',
        '--partition',
        '1',
        '--json',
        '--limit',
        '1',
      );
      expect(linesOf(fromOffset.stdout).map(({ id }) => id)).toEqual([`${topic}/1/1`]);

      // Without --from-beginning: only records produced after it started (it is sent new ones until it prints two).
      const tail = switchyard('tail', ...kafka, '--topic', topic, '--json', '--limit', '2');
      let finished = false;
      void tail.then(() => (finished = true));
      for (let seq = 100; !finished && seq < 400; seq += 1) {
        await produceRaw(brokers, topic, [
          { key: 'n', value: JSON.stringify({ key: 'n', seq }), partition: seq % 2 },
        ]);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const latest = await tail;
      expect(latest.code, latest.stderr).toBe(0);
      expect(linesOf(latest.stdout).map(({ key }) => key)).toEqual(['n', 'n']);

      // No group (the tails' throwaway ones included, while the broker knows them) committed on the topic.
      for (const { groupId } of await listGroups(brokers)) {
        const offsets = await fetchOffsets(brokers, groupId, topic);
        expect(
          offsets.every(({ offset }) => offset === '-1'),
          groupId,
        ).toBe(true);
      }
    });

    it('a topic that does not exist: one line naming it, exit 1, for every command', async () => {
      const missing = `no-such-topic-${randomUUID().slice(0, 8)}`;
      for (const args of [
        ['dlq', 'list', '--topic', missing],
        ['dlq', 'show', '0/0', '--topic', missing],
        ['dlq', 'replay', '--topic', missing],
        ['tail', '--topic', missing],
        ['lag', '--group', 'lag-test.missing', '--topic', missing],
      ]) {
        const run = await switchyard(...args, ...kafka);
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stderr.trim().split('\n'), `${args.join(' ')}: ${run.stderr}`).toHaveLength(1);
        expect(run.stderr, args.join(' ')).toMatch(
          new RegExp(`^switchyard: Kafka topic "${missing}" does not exist on \\S+; check the topic name`),
        );
      }
      // A replay whose --to does not exist sends nothing and says so.
      const dlt = await createTopic(brokers, 1);
      await produceRaw(brokers, dlt, [{ value: '{}', headers: { 'x-dead-letter-reason': 'x' } }]);
      const run = await switchyard('dlq', 'replay', '--topic', dlt, ...kafka, '--to', missing);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^switchyard: cannot replay: replay target topic "no-such-topic-\w+" does not exist/,
      );
      const lag = await switchyard('lag', '--group', `lag-test.none-${randomUUID().slice(0, 8)}`, ...kafka);
      expect(lag.code).toBe(1);
      expect(lag.stderr).toMatch(/has no committed offsets .*check --group or name a --topic/);
    });

    it('lag: committed, end and lag per partition of a group, once or --watch', async () => {
      const topic = await createTopic(brokers, 2);
      const group = `lag-test.${randomUUID().slice(0, 8)}`;
      await produceRaw(brokers, topic, [
        ...Array.from({ length: 5 }, (_, seq) => ({ key: 'a', value: String(seq), partition: 0 })),
        ...Array.from({ length: 3 }, (_, seq) => ({ key: 'b', value: String(seq), partition: 1 })),
      ]);
      const admin = client(brokers).admin();
      await admin.connect();
      try {
        await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '2' }] });
      } finally {
        await admin.disconnect();
      }

      const once = jsonOf<{ group: string; totalLag: number; partitions: unknown[] }>(
        await switchyard('lag', ...kafka, '--group', group, '--topic', topic, '--json'),
      );
      expect(once).toMatchObject({ group, totalLag: 3 + 3 });
      expect(once.partitions).toEqual([
        { topic, partition: 0, committed: 2, end: 5, lag: 3 },
        { topic, partition: 1, committed: null, end: 3, lag: 3 },
      ]);
      const text = await switchyard('lag', ...kafka, '--group', group);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/TOPIC\s+PARTITION\s+COMMITTED\s+END\s+LAG/);
      expect(text.stdout).toMatch(new RegExp(`${topic}\\s+0\\s+2\\s+5\\s+3`));
      expect(text.stdout).toMatch(new RegExp(`${topic}\\s+1\\s+-\\s+3\\s+3`));
      expect(text.stdout).toContain(`group ${group}: total lag 6`);

      // --watch prints a reading every --interval until interrupted; the lag falls as the group commits.
      const child = spawnSwitchyard([
        'lag',
        ...kafka,
        '--group',
        group,
        '--topic',
        topic,
        '--watch',
        '--interval',
        '0.2',
        '--json',
      ]);
      let stdout = '';
      let committed = false;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const readings = (): Array<{ totalLag: number }> =>
        stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { totalLag: number });
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on('data', (chunk: Buffer) => reject(new Error(chunk.toString())));
        child.stdout!.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const seen = readings();
          if (seen.some(({ totalLag }) => totalLag === 0)) resolve();
          else if (!committed && seen.length >= 2) {
            committed = true;
            void commitAll(brokers, group, topic);
          }
        });
      });
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      const seen = readings();
      expect(seen[0]!.totalLag).toBe(6);
      expect(seen[seen.length - 1]!.totalLag).toBe(0);
    });
  },
);

async function listGroups(brokers: string): Promise<Array<{ groupId: string }>> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    return (await admin.listGroups()).groups;
  } finally {
    await admin.disconnect();
  }
}

async function fetchOffsets(
  brokers: string,
  groupId: string,
  topic: string,
): Promise<Array<{ offset: string }>> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    return (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
  } finally {
    await admin.disconnect();
  }
}

async function commitAll(brokers: string, groupId: string, topic: string): Promise<void> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: '5' },
        { partition: 1, offset: '3' },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}
