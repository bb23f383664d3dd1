import { ContainerModule, MemoryBroker, type RunningDaemon } from '@switchyard/core';
import { natsTransportFactory } from '@switchyard/nats';
import { createBus, memoryWire, type ApiDaemon, type Bus, type RpcWire } from '@switchyard/rpc';
import { natsWire } from '@switchyard/rpc/nats';
import type { ServiceOptions } from './services.js';

/** Where the services run and how a client reaches them. */
export interface Placement {
  readonly label: string;
  /** What each service needs to run there (its transports). */
  readonly services: ServiceOptions;
  /** Starts a service there, with `argv` added to its flags. */
  start(service: ApiDaemon, argv: readonly string[]): Promise<RunningDaemon>;
  /** A client-only bus there (a script, a web server); `close` closes it and its wire. */
  client(): Promise<Client>;
}

export interface Client {
  readonly bus: Bus;
  close(): Promise<void>;
}

/** A bus on `wire`; closing it closes the wire too (the bus closes only its reply channel). */
async function clientOn(wire: RpcWire): Promise<Client> {
  const bus = await createBus({ wire });
  return {
    bus,
    close: async () => {
      await bus.close();
      await wire.close();
    },
  };
}

/** How long an idle receive waits on the embedded bus (a send wakes it at once). */
const MEMORY_WAIT_MS = 50;

/** Both services and the client in this process, on one embedded bus. */
export function onEmbeddedBus(): Placement {
  const broker = new MemoryBroker();
  const shared = new ContainerModule(({ rebind }) => void rebind(MemoryBroker).toConstantValue(broker));
  return {
    label: 'the embedded bus',
    services: {},
    start: (service, argv) =>
      service.start({
        argv: ['--set', `memory.waitMs=${MEMORY_WAIT_MS}`, ...argv],
        env: process.env,
        modules: [shared],
      }),
    client: () => clientOn(memoryWire(broker, MEMORY_WAIT_MS)),
  };
}

/**
 * On NATS JetStream at `servers` (`host:port`): each service consumes a stream of its own
 * (`RPC_EXAMPLE_<SERVICE>`, created at start), its API's calls and its listeners' events travel
 * on the RPC wire's streams, replies on core NATS.
 */
export function onNats(servers: string): Placement {
  return {
    label: `NATS at ${servers}`,
    services: { transports: [natsTransportFactory] },
    start: (service, argv) =>
      service.start({
        argv: [
          ...['--nats-servers', servers, '--stream', `RPC_EXAMPLE_${service.name.toUpperCase()}`],
          ...['--subject', `rpc-example.${service.name}`, '--durable', service.name],
          ...['--set', 'nats.createStream=true', '--set', 'nats.createConsumer=true'],
          ...argv,
        ],
        env: process.env,
      }),
    client: async () => clientOn(await natsWire({ servers, name: 'rpc-example-client' })),
  };
}
