import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { RunningDaemon } from '@switchyard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startNats, type OwnNats } from '../servers/nats.js';
import { until } from '../support/until.js';
import {
  adminConnection,
  createStreams,
  events,
  natsServerBinary,
  publishRaw,
  startDaemon,
  testStream,
  unfinished,
} from './support.js';

const COUNT = 1000;

describe.skipIf(!natsServerBinary)('NATS: the server restarts mid-run', () => {
  let server: OwnNats | undefined;
  let daemon: RunningDaemon | undefined;
  let admin: NatsConnection | undefined;
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    await admin?.close();
    admin = undefined;
    await server?.stop();
    server = undefined;
  });

  it('the daemon waits the outage out, reconnects and handles every message: 0 lost', async () => {
    // Its own server (file store in its own directory), so stopping it disturbs no other suite.
    server = await startNats();
    admin = await adminConnection(server.servers);
    const names = testStream('restart');
    // A 3 s ack_wait: an ack lost in the outage brings its message back after 3 s.
    await createStreams(admin, names, { durable: 'nats-test', consumer: { ack_wait: nanos(3000) } });
    await publishRaw(admin, names.subject, events(COUNT / 2, 16));
    await admin.close();
    admin = undefined;
    const handled = new Set<string>();
    daemon = await startDaemon(
      async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        handled.add(`${event.key}/${event.seq}`);
      },
      { names, servers: server.servers },
    );
    await until('a fifth handled', () => handled.size >= COUNT / 5, 30_000);
    await server.restart({ downMs: 2000 });
    // The rest is published after the restart: the stream and consumer survived it on disk.
    admin = await adminConnection(server.servers);
    await publishRaw(admin, names.subject, events(COUNT, 16).slice(COUNT / 2));
    await until(`all ${COUNT} handled (${handled.size} so far)`, () => handled.size >= COUNT, 90_000);
    expect(handled.size).toBe(COUNT);
    await until('ready again', () => daemon!.status.ready, 30_000);
    // Acks are not confirmed by the server: one sent in the outage may be lost, and its message
    // comes back after ack_wait, is handled again and acked. In the end the consumer is done.
    const connection = admin;
    await until(
      'the consumer has nothing unfinished',
      async () => (await unfinished(connection, names.stream, 'nats-test')) === 0,
      60_000,
    );
    await daemon.stop();
    daemon = undefined;
    expect(await unfinished(admin, names.stream, 'nats-test')).toBe(0);
  });
});
