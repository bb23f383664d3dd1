import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { describe } from '../NatsClient.js';
import { quote } from '../names.js';

const CONNECT_TIMEOUT_MS = 3000;

/** A NATS connection with JetStream for an operator command; `close` drains it. */
export interface OpsNats {
  readonly connection: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly servers: string;
  close(): Promise<void>;
}

/**
 * Connects to `servers` (comma-separated host:port or nats:// URLs) and checks that it has
 * JetStream. An unreachable server fails at once with one line naming the servers.
 */
export async function connectNats(servers: string): Promise<OpsNats> {
  const list = servers
    .split(',')
    .map((server) => server.trim())
    .filter(Boolean);
  if (list.length === 0) throw new Error('--nats-servers is empty; give host:port[,host:port…]');
  let connection: NatsConnection;
  try {
    connection = await connect({ servers: list, name: 'switchyard-cli', timeout: CONNECT_TIMEOUT_MS });
  } catch (error) {
    throw new Error(`cannot reach NATS at ${list.join(',')} (${describe(error)}); check --nats-servers`, {
      cause: error,
    });
  }
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(connection);
  } catch (error) {
    await connection.close();
    throw new Error(
      `the NATS server at ${list.join(',')} has no JetStream (${describe(error)}); start nats-server with -js`,
      { cause: error },
    );
  }
  return {
    connection,
    js: jetstream(connection),
    jsm,
    servers: list.join(','),
    close: async () => {
      if (!connection.isClosed()) await connection.drain().catch(() => connection.close());
    },
  };
}

/** The stream's info; a stream that does not exist fails naming it. */
export async function checkStream(ops: OpsNats, stream: string): Promise<StreamInfo> {
  try {
    return await ops.jsm.streams.info(stream);
  } catch (error) {
    if (/stream not found/i.test(describe(error)))
      throw new Error(
        `the JetStream stream ${quote(stream)} does not exist on ${ops.servers}; check --stream`,
        { cause: error },
      );
    throw natsFailure(error, ops.servers);
  }
}

/** The stream that captures `subject` (for `--subject` without `--stream`). */
export async function streamOf(ops: OpsNats, subject: string): Promise<string> {
  let found: string;
  try {
    found = await ops.jsm.streams.find(subject);
  } catch (error) {
    if (/no stream matches subject|stream not found/i.test(describe(error))) found = '';
    else throw natsFailure(error, ops.servers);
  }
  if (found === '')
    throw new Error(
      `no JetStream stream on ${ops.servers} captures the subject ${quote(subject)}; check --subject, or give --stream`,
    );
  return found;
}

export function natsFailure(error: unknown, servers: string): Error {
  return new Error(`NATS at ${servers} failed: ${describe(error)}`, { cause: error });
}
