import { ConsumerConfig, createLogger, TOKENS, type Container } from '@switchyard/core';
import { RpcConfig } from '../../config/RpcConfig.js';
import { NATS_CLIENT, NatsClient, NatsConfig } from '@switchyard/nats';
import type { RpcWire } from '../../wire/RpcWire.js';
import { NatsWire, type Logger } from './NatsWire.js';

export { NatsWire, SERVED_TTL_MS, coreCallSubject, durableOf, type NatsWireParts } from './NatsWire.js';
export { servedSubject } from './whoServes.js';
export {
  EVENTS_DEAD_LETTER_STREAM,
  EVENTS_STREAM,
  RPC_DEAD_LETTER_STREAM,
  RPC_STREAM,
  natsDeadLetterSubject,
} from './streams.js';

export interface NatsWireOptions {
  /** Comma-separated `host:port` list (or `nats://…` URLs), as `nats.servers`. */
  readonly servers: string;
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  /** Connection name shown by the server (default `switchyard-rpc-client`). */
  readonly name?: string;
  /** First connect, and each publish's wait for its JetStream ack, in ms (default 5000 each). */
  readonly connectTimeoutMs?: number;
  readonly publishTimeoutMs?: number;
  /** Where connection problems are logged (default: pino at `warn`). */
  readonly logger?: Logger;
}

/**
 * The NATS wire of a process that is not a daemon (a script, a web server):
 * `createBus({ wire: await natsWire({ servers: 'localhost:4222' }) })`. Connects before it resolves,
 * so a wrong address fails here, naming it.
 */
export async function natsWire(options: NatsWireOptions): Promise<RpcWire> {
  const settings = Object.assign(new NatsConfig(), {
    servers: options.servers,
    user: options.user ?? '',
    password: options.password ?? '',
    token: options.token ?? '',
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    publishTimeoutMs: options.publishTimeoutMs ?? 5000,
  });
  const logger = options.logger ?? createLogger('switchyard-rpc', 'warn', 'json');
  const client = new NatsClient(settings, options.name ?? 'switchyard-rpc-client', logger);
  const consumer = new ConsumerConfig();
  const wire = new NatsWire({
    client,
    settings,
    maxAttempts: consumer.maxAttempts,
    concurrency: consumer.concurrency,
    logger,
  });
  try {
    await client.connection();
  } catch (error) {
    await wire.close();
    throw error;
  }
  return wire;
}

/** The wire of a daemon on NATS: its connection (shared with its transport), settings and logger. */
export async function daemonWire(container: Container): Promise<RpcWire> {
  const consumer = container.get(ConsumerConfig);
  const rpc = container.get(RpcConfig);
  return new NatsWire({
    client: container.get<NatsClient>(NATS_CLIENT),
    settings: container.get(NatsConfig),
    maxAttempts: consumer.maxAttempts,
    concurrency: consumer.concurrency,
    logger: container.get<Logger>(TOKENS.Logger).child({ wire: 'nats' }),
    durableCalls: rpc.natsDurableCalls,
    maxWaitingCalls: rpc.natsMaxWaitingCalls,
  });
}
