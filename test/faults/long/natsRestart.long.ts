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
  const targets: NatsTarget[] = [];
  // Its own nats-server (file store in its own directory): the shared one must not go away under
  // the other tests. The stream and consumer are on disk, so a restart keeps them.
  beforeAll(async () => {
    server = await startNats();
  });
  afterAll(async () => {
    for (const target of targets) await target.close();
    await server?.stop();
  });

  // Acks are plain publishes: one on its way when the server goes is lost, and its message comes
  // back after ack_wait and is handled again (a duplicate, counted). The daemon's receive waits at
  // most nats.receiveWaitMs for a message and fails while disconnected, which is what turns
  // readiness false; 1 s (not the default 5 s) puts that well inside the outage.
  const restartOnce = async (name: string, kill: boolean): Promise<void> => {
    const target = await natsTarget({
      servers: server!.servers,
      ackWaitSeconds: ACK_WAIT_SECONDS,
      concurrency: 16,
      settings: { 'nats.receiveWaitMs': RECEIVE_WAIT_MS },
    });
    targets.push(target);
    const ids = eventIds(COUNT, KEYS);
    await restartUnderDaemon({
      ...target,
      name,
      serverPort: Number(server!.servers.split(':')[1]),
      count: COUNT,
      keys: KEYS,
      dir: dir(),
      // Down 3 s, then started on the same port and store directory; resolves once it answers
      // with JetStream.
      restart: () => server!.restart({ downMs: DOWN_MS, kill }),
      send: (from, to) => target.send(ids.slice(from, to)),
    });
  };

  it('the daemon rides out a nats-server restart (SIGTERM) mid-stream: not ready, ready again, nothing lost', async () => {
    await restartOnce('nats-restart', false);
  });

  // SIGKILL: the server writes nothing more; what it had not written of the consumer's acks is
  // gone, so more messages come back (duplicates), none may be missing.
  it('the daemon rides out a nats-server SIGKILL and start mid-stream: nothing lost', async () => {
    await restartOnce('nats-kill-restart', true);
  });
});
