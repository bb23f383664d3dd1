import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import {
  adminConnection,
  createStreams,
  deleteStreams,
  events,
  natsServers,
  publishRaw,
  recorded,
  recordedLines,
  spawnDaemon,
  testStream,
  unfinished,
  type TestStream,
} from './support.js';

const COUNT = 1500;
const DURABLE = 'crash';

describe.skipIf(natsServers === '')('NATS: SIGKILL of the consumer mid-batch', () => {
  let admin: NatsConnection;
  let names: TestStream | undefined;
  let dir: string | undefined;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    admin = await adminConnection();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    if (names !== undefined) await deleteStreams(admin, names);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await admin?.close();
  });

  it('what the killed process held is delivered again to the next one: every message handled, 0 lost', async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-nats-crash-'));
    names = testStream('crash');
    // A 3 s ack_wait: what the killed process held comes back after 3 s, not the default 30.
    await createStreams(admin, names, { durable: DURABLE, consumer: { ack_wait: nanos(3000) } });
    await publishRaw(admin, names.subject, events(COUNT, 64));
    const args = [
      '--nats-servers',
      natsServers,
      '--stream',
      names.stream,
      '--subject',
      names.subject,
      '--durable',
      DURABLE,
      '--concurrency',
      '16',
    ];
    const first = join(dir, 'first.log');
    const victim = spawnDaemon(args, first, { HANDLER_DELAY_MS: '10' });
    children.push(victim);
    victim.stderr.resume();
    await until('a third handled', () => recorded(first).length >= COUNT / 3, 60_000);
    const jsm = await jetstreamManager(admin);
    const before = await jsm.consumers.info(names.stream, DURABLE);
    victim.kill('SIGKILL');
    await new Promise((resolve) => victim.once('exit', resolve));
    const handledBeforeKill = recorded(first);
    expect(handledBeforeKill.length).toBeLessThan(COUNT);
    // Mid-batch: the killed process held delivered, unacked messages.
    expect(before.num_ack_pending).toBeGreaterThan(0);

    const second = join(dir, 'second.log');
    const successor = spawnDaemon(args, second, { HANDLER_DELAY_MS: '1' });
    children.push(successor);
    successor.stderr.resume();
    const union = (): Set<string> => new Set([...handledBeforeKill, ...recorded(second)]);
    await until(`all ${COUNT} handled at least once`, () => union().size >= COUNT, 90_000);
    expect(union().size).toBe(COUNT);
    // Redelivered: what the killed process held came to the successor as a later attempt.
    expect(recordedLines(second).filter(({ attempt }) => attempt > 1).length).toBeGreaterThan(0);
    successor.kill('SIGTERM');
    const status = await new Promise<number | null>((resolve) => successor.once('exit', resolve));
    expect(status).toBe(0);
    expect(await unfinished(admin, names.stream, DURABLE)).toBe(0);
  });
});
