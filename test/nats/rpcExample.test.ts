import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll } from 'vitest';
import { wireAddresses } from '@switchyard/rpc';
import { onNats } from '../../apps/rpc-example/src/placement.js';
import { builtAppScenario, orderScenarios, SETTLEMENT } from '../../apps/rpc-example/test/scenarios.js';
import { deadLetterReasons, removeRpcLeftovers } from './rpcSupport.js';
import { adminConnection, deleteStreams, natsServers } from './support.js';

// apps/rpc-example's journeys (apps/rpc-example/test/scenarios.ts) with the placement main.ts uses
// with --nats-servers. The server is shared and the example's names are fixed (its APIs `orders`
// and `billing`, its main streams RPC_EXAMPLE_<SERVICE>): what an earlier run left is removed
// before, and what this one leaves after.
let admin: NatsConnection | undefined;
const settlement = wireAddresses.nats.listener(SETTLEMENT.api, SETTLEMENT.event, SETTLEMENT.listenerName);

async function removeExampleLeftovers(connection: NatsConnection): Promise<void> {
  for (const api of ['orders', 'billing']) {
    await removeRpcLeftovers(connection, api);
    const stream = `RPC_EXAMPLE_${api.toUpperCase()}`;
    await deleteStreams(connection, {
      stream,
      subject: `rpc-example.${api}`,
      deadLetterStream: `${stream}_DEAD_LETTER`,
      deadLetterSubject: `dead-letter.${stream}`,
    });
  }
}

beforeAll(async () => {
  if (natsServers === '') return;
  admin = await adminConnection();
  await removeExampleLeftovers(admin);
});
afterAll(async () => {
  if (admin === undefined) return;
  await removeExampleLeftovers(admin);
  await admin.close();
});

orderScenarios(onNats(natsServers, { logLevel: 'silent' }), {
  where: 'NATS JetStream',
  skip: natsServers === '',
  settlementDeadLetters: () => deadLetterReasons(admin!, settlement),
  // A short idle wait, so a stopping service's lanes let go quickly.
  flags: ['--set', 'nats.receiveWaitMs=500'],
});

builtAppScenario(['--nats-servers', natsServers], {
  runsOn: onNats(natsServers).label,
  skip: natsServers === '',
});
