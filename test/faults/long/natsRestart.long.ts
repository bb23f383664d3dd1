import { afterAll, beforeAll, describe, it } from 'vitest';
import { natsServerBinary } from '../../nats/support.js';
import { startNats, type OwnNats } from '../../servers/nats.js';
import { restartUnderDaemon } from './scenarios.js';
import { eventIds, scratchDir } from './support.js';
import { natsTarget, type NatsTarget } from './transports.js';

const COUNT = 20_000;
const KEYS = 64;
const ACK_WAIT_SECONDS = 5;
/** Between the server's exit and its start: longer than a receive's wait, so readiness must drop. */
const DOWN_MS = 3000;
const RECEIVE_WAIT_MS = 1000;

describe.skipIf(!natsServerBinary)('NATS JetStream: server restart', () => {
  const dir = scratchDir('nats-restart');
  let server: OwnNats | undefined;
  let target: NatsTarget | undefined;
  // Its own nats-server (file store in its own directory): the shared one must not go away under
  // the other tests. The stream and consumer are on disk, so the restart keeps them.
  beforeAll(async () => {
    server = await startNats();
  });
  afterAll(async () => {
    await target?.close();
    await server?.stop();
  });

  // Acks are plain publishes: one sent while the server is away is lost, and its message comes back
  // after ack_wait and is handled again (a duplicate, counted). The daemon's receive waits at most
  // nats.receiveWaitMs for a message and fails while disconnected, which is what turns readiness
  // false; 1 s (not the default 5 s) puts that well inside the outage.
  it('the daemon rides out a nats-server restart mid-stream: not ready, ready again, nothing lost', async () => {
    target = await natsTarget({
      servers: server!.servers,
      ackWaitSeconds: ACK_WAIT_SECONDS,
      concurrency: 16,
      settings: { 'nats.receiveWaitMs': RECEIVE_WAIT_MS },
    });
    const ids = eventIds(COUNT, KEYS);
    await restartUnderDaemon({
      ...target,
      name: 'nats-restart',
      serverPort: Number(server!.servers.split(':')[1]),
      count: COUNT,
      keys: KEYS,
      dir: dir(),
      // SIGTERM (nats-server flushes its store and exits), down 3 s, started on the same port and
      // store directory; resolves once it answers with JetStream.
      restart: () => server!.restart({ downMs: DOWN_MS }),
      send: (from, to) => target!.send(ids.slice(from, to)),
    });
  });
});
