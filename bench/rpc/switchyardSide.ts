import {
  ContainerModule,
  MemoryBroker,
  type RunningDaemon,
  type StartOptions,
  type TransportFactory,
} from '@switchyard/core';
import { ApiDaemon, createBus, memoryWire, type Bus, type RpcWire } from '@switchyard/rpc';
import { BenchApi, payload } from './benchApi.js';
import type { Call } from './calls.js';

/** A side under test, started: its call, and how to stop it. */
export interface RpcSide {
  readonly call: Call;
  stop(): Promise<void>;
}

/** Served calls at once: enough that concurrency 64 never queues on the server's side. */
export const SERVER_CONCURRENCY = 64;
/** The embedded bus's long poll; a send wakes it at once, so it only bounds an idle receive. */
const MEMORY_WAIT_MS = 1000;

/** How one wire's daemon is started and its client's wire is made. */
export interface WireSetup {
  /** The daemon's own flags for this transport (brokers, queue, stream…). */
  readonly argv: readonly string[];
  readonly transports: readonly TransportFactory[];
  readonly modules?: StartOptions['modules'];
  /** The client process's wire (another connection than the daemon's, as a separate client would have). */
  clientWire(): Promise<RpcWire>;
}

/**
 * The switchyard side: one ApiDaemon serving BenchApi on the wire's transport, and a client bus
 * calling `bench.quote` through its own wire (its own reply channel), in this process.
 */
export async function startSwitchyard(setup: WireSetup): Promise<RpcSide> {
  class BenchRpcDaemon extends ApiDaemon {
    readonly name = 'bench-rpc';
    override readonly apis = [BenchApi];
    override readonly transports = setup.transports;
  }
  const running: RunningDaemon = await new BenchRpcDaemon().start({
    argv: [
      ...['--testing', '--set', 'daemon.logLevel=silent', '--concurrency', String(SERVER_CONCURRENCY)],
      ...setup.argv,
    ],
    env: {},
    modules: setup.modules ?? [],
  });
  let bus: Bus | undefined;
  try {
    bus = await createBus({ wire: await setup.clientWire() });
  } catch (error) {
    await running.stop();
    throw error;
  }
  const client = bus.api(BenchApi);
  return {
    call: (sequence) => client.quote(payload(sequence)),
    stop: async () => {
      await bus.close();
      await running.stop();
    },
  };
}

/** The embedded bus: daemon and client share one MemoryBroker in this process. */
export function memorySetup(): WireSetup {
  const broker = new MemoryBroker();
  const shared = new ContainerModule(({ rebind }) => {
    rebind(MemoryBroker).toConstantValue(broker);
  });
  return {
    argv: ['--set', `memory.waitMs=${MEMORY_WAIT_MS}`],
    transports: [],
    modules: [shared],
    clientWire: async () => memoryWire(broker, MEMORY_WAIT_MS),
  };
}
