import { type Container, MemoryBroker, MemoryConfig } from '@switchyard/core';
import { RpcErrorCodes, rpcError } from '../errors.js';
import { memoryWire } from './memoryWire.js';
import type { RpcWire } from './RpcWire.js';

/** What each `@switchyard/rpc/<transport>` module exports for a daemon on that transport. */
export interface DaemonWireModule {
  /** The wire of a daemon, built from its object graph (the transport's config section, logger). */
  daemonWire(container: Container): Promise<RpcWire>;
}

/**
 * The wires of the transports, loaded only when a daemon consumes from that transport, so an API
 * daemon on SQS needs neither kafkajs nor the NATS client installed.
 */
const wireModules: Record<string, () => Promise<DaemonWireModule>> = {
  memory: async () => ({
    daemonWire: async (container) =>
      memoryWire(container.get(MemoryBroker), container.get(MemoryConfig).waitMs),
  }),
  kafka: () => import('../wires/kafka/index.js'),
  nats: () => import('../wires/nats/index.js'),
  sqs: () => import('../wires/sqs/index.js'),
};

/** The wire of a daemon whose transport is `transportName`. */
export async function daemonWire(transportName: string, container: Container): Promise<RpcWire> {
  const load = wireModules[transportName];
  if (load === undefined)
    throw rpcError(
      RpcErrorCodes.USAGE,
      `@switchyard/rpc has no wire for the ${transportName} transport (it has: ${Object.keys(wireModules).join(', ')})`,
    );
  return (await load()).daemonWire(container);
}
