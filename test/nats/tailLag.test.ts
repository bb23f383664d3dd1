import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { MEDIA_TYPE_HEADER, NATS_KEY_HEADER } from '@switchyard/nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, spawnSwitchyard, switchyard } from '../support/runSwitchyard.js';
import { until } from '../support/until.js';
import {
  adminConnection,
  createStreams,
  deleteStreams,
  EVENT_MEDIA_TYPE,
  natsServers,
  publishRaw,
  testStream,
  type TestStream,
} from './support.js';

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

async function consumerNames(connection: NatsConnection, stream: string): Promise<string[]> {
  const names: string[] = [];
  for await (const info of (await jetstreamManager(connection)).consumers.list(stream)) names.push(info.name);
  return names;
}

describe.skipIf(natsServers === '')('NATS: switchyard tail and lag', () => {
  let admin: NatsConnection;
  const streams: TestStream[] = [];
  const fresh = async (label: string, durable?: string): Promise<TestStream> => {
    const names = testStream(label);
    streams.push(names);
    await createStreams(admin, names, durable === undefined ? {} : { durable });
    return names;
  };

  beforeAll(async () => {
    admin = await adminConnection();
  });
  afterEach(async () => {
    for (const names of streams.splice(0)) await deleteStreams(admin, names);
  });
  afterAll(async () => {
    await admin?.close();
  });

  it('tails a stream from the beginning, from a sequence or only new messages, filtered, acking nothing and leaving no consumer', async () => {
    const names = await fresh('tail', 'nats-test');
    await publishRaw(admin, names.subject, [
      {
        body: JSON.stringify({ key: 'a', seq: 0 }),
        headers: { [MEDIA_TYPE_HEADER]: EVENT_MEDIA_TYPE, [NATS_KEY_HEADER]: 'a' },
      },
      {
        body: JSON.stringify({ key: 'a', seq: 1 }),
        headers: { [MEDIA_TYPE_HEADER]: EVENT_MEDIA_TYPE, [NATS_KEY_HEADER]: 'a' },
      },
      {
        body: JSON.stringify({ key: 'b', seq: 0 }),
        headers: { [MEDIA_TYPE_HEADER]: 'application/vnd.other', [NATS_KEY_HEADER]: 'b' },
      },
      { body: Uint8Array.from([0xff, 0xfe, 0x00]), headers: { trace: 'x' } },
    ]);
    const nats = ['--nats-servers', natsServers, '--stream', names.stream];

    const all = await switchyard('tail', ...nats, '--from-beginning', '--json', '--limit', '4');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/ephemeral ordered consumer: nothing is acked, no durable moves/);
    const records = linesOf(all.stdout);
    expect(records.map(({ id }) => id)).toEqual([1, 2, 3, 4].map((seq) => `${names.stream}/${seq}`));
    expect(records[1]).toMatchObject({
      mediaType: EVENT_MEDIA_TYPE,
      key: 'a',
      location: `stream ${names.stream} sequence 2 subject ${names.subject}`,
      body: JSON.stringify({ key: 'a', seq: 1 }),
      bodyEncoding: 'utf8',
    });
    expect(records[3]).toMatchObject({ body: '//4A', bodyEncoding: 'base64', attributes: { trace: 'x' } });

    const fromThree = linesOf(
      (await switchyard('tail', ...nats, '--from-offset', '3', '--json', '--limit', '2')).stdout,
    );
    expect(fromThree.map(({ id }) => id)).toEqual([`${names.stream}/3`, `${names.stream}/4`]);
    const keyed = linesOf(
      (await switchyard('tail', ...nats, '--from-beginning', '--key', 'a', '--json', '--limit', '2')).stdout,
    );
    expect(keyed.map(({ id }) => id)).toEqual([`${names.stream}/1`, `${names.stream}/2`]);
    const other = await switchyard(
      'tail',
      ...nats,
      '--from-beginning',
      '--media-type',
      'application/vnd.other',
      '--limit',
      '1',
    );
    expect(other.code, other.stderr).toBe(0);
    expect(other.stdout).toContain(`id:         ${names.stream}/3`);
    expect(other.stdout).toContain('"key":"b"');
    const grep = linesOf(
      (await switchyard('tail', ...nats, '--from-beginning', '--grep', '"seq":1', '--json', '--limit', '1'))
        .stdout,
    );
    expect(grep.map(({ id }) => id)).toEqual([`${names.stream}/2`]);

    // Without --from-beginning only what is stored from now on: start it, publish once it reads.
    const tail = switchyard('tail', ...nats, '--json', '--limit', '1');
    await until(
      'the tail reading',
      async () => (await consumerNames(admin, names.stream)).length > 1,
      10_000,
    );
    await publishRaw(admin, names.subject, [{ body: 'the new one' }]);
    const newOne = await tail;
    expect(newOne.code, newOne.stderr).toBe(0);
    expect(linesOf(newOne.stdout).map(({ id, body }) => [id, body])).toEqual([
      [`${names.stream}/5`, 'the new one'],
    ]);

    // Nothing was consumed: the daemon's durable still has all five, and the tails' consumers are gone.
    const info = await (await jetstreamManager(admin)).consumers.info(names.stream, 'nats-test');
    expect(info.num_pending).toBe(5);
    expect(await consumerNames(admin, names.stream)).toEqual(['nats-test']);
  });

  it('Ctrl-C ends a tail (exit 0) and removes its consumer', async () => {
    const names = await fresh('tailint');
    const child = spawnSwitchyard(['tail', '--nats-servers', natsServers, '--stream', names.stream]);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await until(
      'the tail reading',
      async () => (await consumerNames(admin, names.stream)).length > 0,
      30_000,
    );
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(0);
    expect(await consumerNames(admin, names.stream)).toEqual([]);
  });

  it('tails only --subject of a stream', async () => {
    const names = testStream('tailsubj');
    streams.push(names);
    await (
      await jetstreamManager(admin)
    ).streams.add({ name: names.stream, subjects: [`${names.subject}.>`] });
    await publishRaw(admin, `${names.subject}.x`, [{ body: 'x' }]);
    await publishRaw(admin, `${names.subject}.y`, [{ body: 'y' }]);
    const run = await switchyard(
      'tail',
      '--nats-servers',
      natsServers,
      '--subject',
      `${names.subject}.y`,
      '--from-beginning',
      '--json',
      '--limit',
      '1',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(linesOf(run.stdout).map(({ body }) => body)).toEqual(['y']);
  });

  it('lag: per durable consumer, pending, ack pending and redelivered', async () => {
    const names = await fresh('lag', 'orders');
    await (
      await jetstreamManager(admin)
    ).consumers.add(names.stream, {
      durable_name: 'audit',
      ack_policy: 'explicit',
      filter_subject: names.subject,
    });
    await publishRaw(
      admin,
      names.subject,
      Array.from({ length: 5 }, (_, seq) => ({ body: JSON.stringify({ key: 'k', seq }) })),
    );
    const consumer = await jetstream(admin).consumers.get(names.stream, 'orders');
    // Two delivered and not acked; one of them handed back and delivered again.
    const first = await consumer.next({ expires: 5000 });
    const second = await consumer.next({ expires: 5000 });
    first!.nak();
    // A nak is a plain publish the server handles on its own time: a pull sent at once can be
    // served the next new message first (seen at load 8). Let it land before pulling again.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const again = await consumer.next({ expires: 5000 });
    expect(again!.info.redelivered).toBe(true);
    expect(second).not.toBeNull();

    const run = ['lag', '--nats-servers', natsServers, '--stream', names.stream];
    const report = jsonOf<{
      stream: string;
      consumers: Array<{ durable: string; pending: number; ackPending: number; redelivered: number }>;
    }>(await switchyard(...run, '--json'));
    expect(report.stream).toBe(names.stream);
    expect(
      report.consumers.map(({ durable, pending, ackPending, redelivered }) => ({
        durable,
        pending,
        ackPending,
        redelivered,
      })),
    ).toEqual([
      { durable: 'audit', pending: 5, ackPending: 0, redelivered: 0 },
      { durable: 'orders', pending: 3, ackPending: 2, redelivered: 1 },
    ]);
    const one = jsonOf<{ consumers: Array<{ durable: string }> }>(
      await switchyard(...run, '--durable', 'orders', '--json'),
    );
    expect(one.consumers.map(({ durable }) => durable)).toEqual(['orders']);
    const text = await switchyard(...run, '--durable', 'orders');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/STREAM\s+DURABLE\s+FILTER\s+PENDING\s+ACK PENDING\s+REDELIVERED/);
    expect(text.stdout).toMatch(
      new RegExp(`${names.stream}\\s+orders\\s+${names.subject.replace(/\./g, '\\.')}\\s+3\\s+2\\s+1`),
    );
    const missing = await switchyard(...run, '--durable', 'nobody');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(
      /the durable consumer "nobody" does not exist on stream .*; check --durable/,
    );
  });
});
