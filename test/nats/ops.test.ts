import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DEAD_LETTER_ATTRIBUTES, RejectMessage, type RunningDaemon } from '@switchyard/core';
import { MEDIA_TYPE_HEADER, NATS_DEAD_LETTER_HEADERS, NATS_KEY_HEADER } from '@switchyard/nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killMidway } from '../support/killMidway.js';
import { jsonOf, spawnSwitchyard, switchyard } from '../support/runSwitchyard.js';
import { until } from '../support/until.js';
import {
  adminConnection,
  createStreams,
  deleteStreams,
  EVENT_MEDIA_TYPE,
  natsServers,
  publishRaw,
  startDaemon,
  storedMessages,
  testStream,
  type RawMessage,
  type TestStream,
} from './support.js';

interface Listed {
  count: number;
  truncated: boolean;
  groups: Array<{ reason: string; mediaType: string | null; source: string | null; count: number }>;
  messages?: Array<{ id: string; reason: string; body: string }>;
}

/** A dead letter as the NATS transport writes it (DeadLetterPublisher.ts), for cases a daemon cannot make quickly. */
function deadLetter(
  body: string | Uint8Array,
  dead: { reason: string; source?: string },
  headers: Record<string, string> = {},
): RawMessage {
  return {
    body,
    headers: {
      ...headers,
      [NATS_DEAD_LETTER_HEADERS.reason]: dead.reason,
      [NATS_DEAD_LETTER_HEADERS.attempts]: '5',
      [NATS_DEAD_LETTER_HEADERS.stream]: 'SOMEWHERE',
      [NATS_DEAD_LETTER_HEADERS.sequence]: '1',
      ...(dead.source === undefined ? {} : { [NATS_DEAD_LETTER_HEADERS.source]: dead.source }),
    },
  };
}

const event = (key: string, seq: number): RawMessage => ({
  body: JSON.stringify({ key, seq }),
  headers: { [MEDIA_TYPE_HEADER]: EVENT_MEDIA_TYPE, [NATS_KEY_HEADER]: key },
});

describe.skipIf(natsServers === '')('NATS: switchyard dlq', () => {
  let admin: NatsConnection;
  let daemon: RunningDaemon | undefined;
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
    await daemon?.stop();
    daemon = undefined;
    for (const names of streams.splice(0)) await deleteStreams(admin, names);
  });
  afterAll(async () => {
    await admin?.close();
  });

  it('lists what a daemon dead-lettered by reason, shows one, and replays the fixed ones back to the daemon', async () => {
    const names = await fresh('opsdaemon', 'nats-test');
    const handled: Array<{ id: string; attempt: number }> = [];
    let broken = true;
    daemon = await startDaemon(
      (received, context) => {
        if (broken) throw new RejectMessage('warehouse refused the event');
        handled.push({ id: `${received.key}/${received.seq}`, attempt: context.attempt });
      },
      { names },
    );
    await publishRaw(admin, names.subject, [
      event('k0', 0),
      event('k1', 0),
      event('k0', 1),
      event('k1', 1),
      { body: 'password=hunter2 is not json', headers: { [MEDIA_TYPE_HEADER]: EVENT_MEDIA_TYPE } },
    ]);
    await until('5 dead-lettered', () => daemon!.counter.get('dead-lettered') >= 5, 30_000);
    const run = ['--nats-servers', natsServers, '--stream', names.deadLetterStream];

    const listed = jsonOf<Listed>(await switchyard('dlq', 'list', ...run, '--json', '--messages'));
    expect(listed).toMatchObject({ count: 5, truncated: false });
    expect(listed.groups.map((group) => group.count)).toEqual([4, 1]);
    expect(listed.groups[0]).toMatchObject({
      reason: 'rejected: warehouse refused the event',
      mediaType: EVENT_MEDIA_TYPE,
      source: names.subject,
    });
    expect(listed.groups[1]!.reason).toMatch(/not JSON/i);
    expect(listed.messages!.every((message) => message.id.startsWith(`${names.deadLetterStream}/`))).toBe(
      true,
    );
    // Listing consumed nothing and left no consumer behind.
    expect(await storedMessages(admin, names.deadLetterStream)).toHaveLength(5);

    const text = await switchyard('dlq', 'list', ...run);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`5 dead letters on ${names.deadLetterStream}`);
    expect(text.stdout).toMatch(/COUNT\s+REASON\s+MEDIA TYPE\s+SOURCE\s+OLDEST\s+NEWEST/);
    // --subject alone finds the dead-letter stream that captures it.
    const bySubject = jsonOf<Listed>(
      await switchyard(
        'dlq',
        'list',
        '--nats-servers',
        natsServers,
        '--subject',
        names.deadLetterSubject,
        '--json',
      ),
    );
    expect(bySubject.count).toBe(5);

    const notJson = listed.messages!.find((message) => message.body.includes('hunter2'))!;
    const shown = await switchyard('dlq', 'show', notJson.id, ...run);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`id:         ${notJson.id}`);
    expect(shown.stdout).toContain(`source:     ${names.subject}`);
    expect(shown.stdout).toContain('password=hunter2 is not json');
    const sequence = notJson.id.split('/').pop()!;
    expect(jsonOf<{ id: string }>(await switchyard('dlq', 'show', sequence, ...run, '--json')).id).toBe(
      notJson.id,
    );
    const missing = await switchyard('dlq', 'show', '9999', ...run);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no dead letter 9999 on/);

    const dry = await switchyard('dlq', 'replay', ...run, '--reason', 'warehouse', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.match(/^would replay {2}\S+ -> /gm)).toHaveLength(4);
    expect(dry.stdout).toMatch(/^would replay 4; skipped 1 filtered$/m);
    expect(await storedMessages(admin, names.deadLetterStream)).toHaveLength(5);
    expect(handled).toHaveLength(0);

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
    expect(replay.stdout.match(new RegExp(`^replayed {6}\\S+ -> ${names.subject}$`, 'gm'))).toHaveLength(4);
    expect(replay.stdout).toMatch(/^replayed 4; skipped 1 filtered$/m);
    await until('the replayed events handled', () => handled.length >= 4, 30_000);
    expect(handled.map(({ id }) => id).sort()).toEqual(['k0/0', 'k0/1', 'k1/0', 'k1/1']);
    // The dead-letter headers were dropped: each replayed event is on its first attempt.
    expect(handled.map(({ attempt }) => attempt)).toEqual([1, 1, 1, 1]);

    // Removed from the dead-letter stream by sequence once confirmed: only the other one is left.
    const left = await storedMessages(admin, names.deadLetterStream);
    expect(left.map((message) => `${names.deadLetterStream}/${message.seq}`)).toEqual([notJson.id]);
    const second = await switchyard('dlq', 'replay', ...run, '--reason', 'warehouse');
    expect(second.stdout).toMatch(/^replayed 0; skipped 1 filtered$/m);
    expect(await storedMessages(admin, names.stream)).toHaveLength(5 + 4);
  });

  it('keeps the bytes and headers, drops the dead-letter ones, stamps the replay; --limit; bounded and sourceless ones stay', async () => {
    const names = await fresh('opsraw');
    const target = await fresh('opstarget');
    const opaque = Uint8Array.from([0, 1, 2, 255, 254, 0x1b]);
    await publishRaw(admin, names.deadLetterSubject, [
      deadLetter(
        opaque,
        { reason: 'handler failed 5 times', source: names.subject },
        { [MEDIA_TYPE_HEADER]: EVENT_MEDIA_TYPE, traceparent: '00-abc-def-01' },
      ),
      deadLetter(JSON.stringify({ key: 'k', seq: 1 }), { reason: 'timeout', source: names.subject }),
      deadLetter(JSON.stringify({ key: 'k', seq: 2 }), { reason: 'timeout', source: names.subject }),
      {
        ...deadLetter('cut', { reason: 'too big', source: names.subject }),
        headers: {
          ...deadLetter('cut', { reason: 'too big', source: names.subject }).headers,
          [NATS_DEAD_LETTER_HEADERS.bounded]: 'true',
          [NATS_DEAD_LETTER_HEADERS.boundedReason]: 'the copy is 3000000 bytes',
        },
      },
      { body: 'no headers at all' },
    ]);
    const run = ['--nats-servers', natsServers, '--stream', names.deadLetterStream];

    const first = await switchyard(
      'dlq',
      'replay',
      ...run,
      '--to',
      target.subject,
      '--limit',
      '1',
      '--actor',
      'bob',
      '--json',
    );
    const summary = jsonOf<{
      replayed: number;
      messages: Array<{ kind: string; id: string; target: string }>;
    }>(first);
    expect(summary.replayed).toBe(1);
    expect(summary.messages).toEqual([
      { kind: 'replayed', id: `${names.deadLetterStream}/1`, target: target.subject },
    ]);
    const [copy, ...more] = await storedMessages(admin, target.stream);
    expect(more).toEqual([]);
    expect(Buffer.compare(copy!.body, Buffer.from(opaque))).toBe(0);
    expect(copy!.headers.traceparent).toBe('00-abc-def-01');
    expect(copy!.headers[MEDIA_TYPE_HEADER]).toBe(EVENT_MEDIA_TYPE);
    expect(copy!.headers['x-replayed-by']).toBe('bob');
    expect(copy!.headers['x-replayed-from']).toBe(names.deadLetterStream);
    expect(Date.parse(copy!.headers['x-replayed-at']!)).not.toBeNaN();
    for (const name of Object.values(NATS_DEAD_LETTER_HEADERS)) expect(copy!.headers[name]).toBeUndefined();
    expect(copy!.headers[DEAD_LETTER_ATTRIBUTES.reason]).toBeUndefined();

    const rest = await switchyard('dlq', 'replay', ...run);
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toMatch(/skipped +\S+: a bounded record/);
    expect(rest.stdout).toMatch(/skipped +\S+: no x-original-source; pass --to/);
    expect(rest.stdout).toMatch(/^replayed 2; skipped 1 bounded, 1 no source$/m);
    const back = await storedMessages(admin, names.stream);
    expect(back.map((message) => JSON.parse(message.body.toString()) as unknown)).toEqual([
      { key: 'k', seq: 1 },
      { key: 'k', seq: 2 },
    ]);
    expect((await storedMessages(admin, names.deadLetterStream)).map((message) => message.seq)).toEqual([
      4, 5,
    ]);

    // Replaying into a subject the dead-letter stream captures would put it straight back: refused.
    const loop = await switchyard('dlq', 'replay', ...run, '--to', names.deadLetterSubject);
    expect(loop.code).toBe(1);
    expect(loop.stderr.trim().split('\n')).toHaveLength(1);
    expect(loop.stderr).toMatch(/captures that subject; pass --to <subject>/);
  });

  it('replays only --media-type, paced by --rate', async () => {
    const names = await fresh('opsrate');
    await publishRaw(
      admin,
      names.deadLetterSubject,
      [0, 1, 2, 3, 4, 5, 6].map((seq) =>
        deadLetter(
          JSON.stringify({ key: 'k', seq }),
          { reason: 'timeout', source: names.subject },
          { [MEDIA_TYPE_HEADER]: seq === 6 ? 'application/vnd.other' : EVENT_MEDIA_TYPE },
        ),
      ),
    );
    const replay = switchyard(
      'dlq',
      'replay',
      '--nats-servers',
      natsServers,
      '--stream',
      names.deadLetterStream,
      '--media-type',
      'application/vnd.switchyard*',
      '--rate',
      '2',
    );
    // Counted while it runs: at 2 per second, 6 messages cannot all be there at once.
    let seenPartial = false;
    for (let polls = 0; polls < 600; polls += 1) {
      const count = (await storedMessages(admin, names.stream)).length;
      if (count > 0 && count < 6) seenPartial = true;
      if (count === 6) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const done = await replay;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^replayed 6; skipped 1 filtered$/m);
    expect(seenPartial).toBe(true);
    const left = await storedMessages(admin, names.deadLetterStream);
    expect(left.map((message) => message.headers[MEDIA_TYPE_HEADER])).toEqual(['application/vnd.other']);
  });

  it('a replay killed with SIGKILL loses nothing: run again, every one reaches its source once', async () => {
    const count = 60;
    const names = await fresh('opskill');
    await publishRaw(
      admin,
      names.deadLetterSubject,
      Array.from({ length: count }, (_, seq) =>
        deadLetter(JSON.stringify({ seq }), { reason: 'timeout', source: names.subject }),
      ),
    );
    const flags = ['--nats-servers', natsServers, '--stream', names.deadLetterStream];
    const child = spawnSwitchyard(['dlq', 'replay', ...flags, '--rate', '10']);
    let printed = '';
    child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const killed = await killMidway(
      child,
      async () => (printed.match(/^replayed {6}/gm)?.length ?? 0) >= 10,
      '10 dead letters replayed',
    );
    expect(killed.signal).toBe('SIGKILL');

    const rerun = await switchyard('dlq', 'replay', ...flags);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/^replayed \d+$/m);
    expect(await storedMessages(admin, names.deadLetterStream)).toEqual([]);
    const seqs = (await storedMessages(admin, names.stream)).map(
      (message) => (JSON.parse(message.body.toString()) as { seq: number }).seq,
    );
    // None lost, and none twice: one published but not yet deleted when the kill came is sent
    // again with the same Nats-Msg-Id, which the source stream drops within its duplicate window.
    expect([...new Set(seqs)].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, seq) => seq));
    expect(seqs).toHaveLength(count);
  });

  it('a source no stream captures fails in one line and removes nothing', async () => {
    const names = await fresh('opsnostream');
    await publishRaw(admin, names.deadLetterSubject, [
      deadLetter('first', { reason: 'timeout', source: `${names.subject}.gone` }),
    ]);
    const failed = await switchyard(
      'dlq',
      'replay',
      '--nats-servers',
      natsServers,
      '--stream',
      names.deadLetterStream,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(/no JetStream stream captures the subject ".*\.gone"/);
    expect(await storedMessages(admin, names.deadLetterStream)).toHaveLength(1);
  });

  it('a copy a killed replay already sent (published, not yet deleted) is stored once when run again', async () => {
    const names = await fresh('opsdedup');
    await publishRaw(admin, names.deadLetterSubject, [
      deadLetter('again', { reason: 'timeout', source: names.subject }),
    ]);
    // The copy a killed replay sent: it carries the replay's Nats-Msg-Id (the dead-letter stream,
    // its creation time, the sequence).
    const created = (await (await jetstreamManager(admin)).streams.info(names.deadLetterStream)).created;
    await publishRaw(admin, names.subject, [
      { body: 'again', msgId: `replay:${names.deadLetterStream}:${created}:1` },
    ]);
    const rerun = await switchyard(
      'dlq',
      'replay',
      '--nats-servers',
      natsServers,
      '--stream',
      names.deadLetterStream,
    );
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/^replayed 1$/m);
    expect((await storedMessages(admin, names.stream)).map((message) => message.body.toString())).toEqual([
      'again',
    ]);
    expect(await storedMessages(admin, names.deadLetterStream)).toEqual([]);
  });

  it.each([
    [['dlq', 'list', '--stream', 'S'], /dlq list: NATS needs --nats-servers <list> and --stream <name>/],
    [
      ['dlq', 'list', '--nats-servers', '127.0.0.1:1'],
      /NATS needs --nats-servers <list> and --stream <name>/,
    ],
    [
      ['dlq', 'list', '--nats-servers', '127.0.0.1:1', '--stream', 'S', '--topic', 't'],
      /give one transport's flags/,
    ],
    [
      ['tail', '--nats-servers', '127.0.0.1:1', '--stream', 'S', '--partition', '1'],
      /--partition is a Kafka flag/,
    ],
    [['lag', '--nats-servers', '127.0.0.1:1'], /lag: NATS needs --nats-servers <list> and --stream <name>/],
    [['lag', '--stream', 'S', '--peek'], /--peek is an SQS flag/],
    [['lag', '--stream', 'S', '--group', 'g'], /give one transport's flags/],
  ])('%j: exit 2 with one line', async (args, pattern) => {
    const run = await switchyard(...args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(pattern);
  });

  it.each([[['dlq', 'list']], [['dlq', 'replay']], [['tail']], [['lag']]])(
    '%j: an unreachable server, or a stream that does not exist, exit 1 with one line',
    async (command: string[]) => {
      const unreachable = await switchyard(...command, '--nats-servers', '127.0.0.1:1', '--stream', 'S');
      expect(unreachable.code, unreachable.stderr).toBe(1);
      expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
      expect(unreachable.stderr).toMatch(/cannot reach NATS at 127\.0\.0\.1:1 \(.*\); check --nats-servers/);
      const missing = await switchyard(
        ...command,
        '--nats-servers',
        natsServers,
        '--stream',
        'sy_no_such_stream',
      );
      expect(missing.code, missing.stderr).toBe(1);
      expect(missing.stderr.trim().split('\n')).toHaveLength(1);
      expect(missing.stderr).toMatch(
        /the JetStream stream "sy_no_such_stream" does not exist on .*; check --stream/,
      );
    },
  );
});
