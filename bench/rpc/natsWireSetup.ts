import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { natsTransportFactory } from '@switchyard/nats';
import { durableOf, natsWire, RPC_STREAM } from '@switchyard/rpc/nats';
import { NATS_URL } from './natsServer.js';
import type { WireSetup } from './switchyardSide.js';

/** The daemon's own stream (it serves no messages of its own: only BenchApi's calls). */
const MAIN_STREAM = 'BENCH_RPC_MAIN';

const hostPort = (url: string): string => {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || '4222'}`;
};

/** switchyard on NATS JetStream: a daemon on the nats transport, a client wire of its own connection. */
export function natsSetup(): WireSetup {
  const servers = hostPort(NATS_URL);
  return {
    argv: [
      ...['--nats-servers', servers, '--stream', MAIN_STREAM, '--subject', 'bench.rpc.main'],
      ...[
        '--durable',
        'bench-rpc-main',
        '--set',
        'nats.createStream=true',
        '--set',
        'nats.createConsumer=true',
      ],
    ],
    transports: [natsTransportFactory],
    clientWire: () => natsWire({ servers, name: 'bench-rpc-client' }),
  };
}

/**
 * What a run leaves on the server: the daemon's stream and the API's durable, so the
 * next run starts from nothing queued. The shared SWITCHYARD_RPC stream stays (other suites use it).
 */
export async function removeNatsLeftovers(): Promise<void> {
  const connection = await connect({ servers: hostPort(NATS_URL) });
  try {
    const jsm = await jetstreamManager(connection);
    await jsm.streams.delete(MAIN_STREAM).catch(() => false);
    await jsm.streams.delete(`${MAIN_STREAM}_DEAD_LETTER`).catch(() => false);
    await jsm.consumers.delete(RPC_STREAM, durableOf('bench')).catch(() => false);
  } finally {
    await connection.close();
  }
}
