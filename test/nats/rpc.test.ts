import type { NatsConnection } from '@nats-io/transport-node';
import { createBus, wireAddresses, type Bus, type RpcWire } from '@switchyard/rpc';
import { natsWire } from '@switchyard/rpc/nats';
import { afterAll, beforeAll } from 'vitest';
import { rpcConformance } from '../support/rpcConformance.js';
import { deadLetterReasons, removeRpcLeftovers, startApiDaemon } from './rpcSupport.js';
import {
  adminConnection,
  createStreams,
  deleteStreams,
  natsServers,
  silentLogger,
  testStream,
} from './support.js';

// The suite every wire passes, on the NATS server of the suite, for both call paths. The daemons' own
// (main) stream is one per file; the conformance APIs are named `conf<hex>`, their durables
// deleted after the file.
const main = testStream('rpc');
let admin: NatsConnection;
// Each bus closes its wire; the file closes them too (a second close does nothing), so none outlives it.
const wires: RpcWire[] = [];

beforeAll(async () => {
  admin = await adminConnection();
  await createStreams(admin, main);
});
afterAll(async () => {
  await Promise.all(wires.splice(0).map((wire) => wire.close()));
  await removeRpcLeftovers(admin, 'conf');
  await deleteStreams(admin, main);
  await admin.close();
});

const client = async (options = {}): Promise<Bus> => {
  const wire = await natsWire({ servers: natsServers, logger: silentLogger });
  wires.push(wire);
  return createBus({ wire, ...options });
};

// Calls over core NATS to the API's queue group (the default).
rpcConformance('NATS (core calls)', {
  start: (daemon, argv = []) => startApiDaemon(daemon, main, argv),
  client,
  deadLetterReasons: (address) => deadLetterReasons(admin, address),
  addresses: wireAddresses.nats,
});

// Calls stored in the SWITCHYARD_RPC work queue (rpc.natsDurableCalls).
rpcConformance('NATS (durable calls)', {
  start: (daemon, argv = []) => startApiDaemon(daemon, main, [...argv, '--set', 'rpc.natsDurableCalls=true']),
  client,
  deadLetterReasons: (address) => deadLetterReasons(admin, address),
  addresses: wireAddresses.nats,
});
