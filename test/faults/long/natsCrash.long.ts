import { afterAll, describe, it } from 'vitest';
import { natsServers } from '../../nats/support.js';
import { crashAndRestart } from './scenarios.js';
import { eventIds, scratchDir } from './support.js';
import { natsTarget, type NatsTarget } from './transports.js';

// FAULT_MESSAGES scales the run down for a quick local try; the suite's figures are for 100k.
const COUNT = Number(process.env.FAULT_MESSAGES ?? 100_000);
const KEYS = 256;
const CONCURRENCY = 64;
const ACK_WAIT_SECONDS = 5;

describe.skipIf(natsServers === '')('NATS JetStream: SIGKILL ×10', () => {
  const dir = scratchDir('nats-crash');
  let target: NatsTarget | undefined;
  afterAll(() => target?.close());

  // Duplicates after a crash are the handled messages whose ack the server never got. An ack is a
  // plain publish, not confirmed: lost are those of handlers that had written their ledger line but
  // not returned, and acks not yet out of the client's buffer or not yet read by the server. An ack
  // slower than ack_wait brings its message back while the process lives: handled twice by it (a
  // within-run duplicate, which the scenario asserts never happens) or still in its prefetch (at
  // most the concurrency) at the kill. So bound = concurrency + handled in the last ack_wait.
  // Delivered but unstarted messages (the client's prefetch, the runner's key queues) come back
  // after ack_wait and are handled once: late, not duplicated.
  it(`${COUNT} messages, killed 10 times, nothing lost, duplicates within the bound`, async () => {
    target = await natsTarget({
      servers: natsServers,
      ackWaitSeconds: ACK_WAIT_SECONDS,
      concurrency: CONCURRENCY,
    });
    await target.send(eventIds(COUNT, KEYS));
    await crashAndRestart({
      ...target,
      name: 'nats-crash',
      count: COUNT,
      keys: KEYS,
      dir: dir(),
      bound: { base: CONCURRENCY, windowMs: ACK_WAIT_SECONDS * 1000 },
    });
  });
});
