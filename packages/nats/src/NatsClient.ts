import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { NatsError, NatsErrorCodes } from './errors.js';
import type { NatsConfig } from './NatsConfig.js';

/** Longest a close waits for the connection to drain (pending acks and publishes) before closing it. */
const DRAIN_WAIT_MS = 5000;

/**
 * The one connection a daemon's transport and producer share: opened on first use, kept open
 * across server restarts (reconnects for ever, outages logged once each), drained when the last
 * user has closed so pending acks reach the server.
 */
export class NatsClient {
  #connecting: Promise<NatsConnection> | undefined;
  #users = 0;
  #disconnected = false;

  constructor(
    private readonly settings: NatsConfig,
    private readonly connectionName: string,
    private readonly logger: Logger,
  ) {}

  /** The connection; a failed first connect is an `UNREACHABLE` error and is tried again on the next call. */
  connection(): Promise<NatsConnection> {
    this.#connecting ??= this.#connect().catch((error: unknown) => {
      this.#connecting = undefined;
      throw error;
    });
    return this.#connecting;
  }

  /** Whether the connection is down and being re-established (false before the first connect). */
  get disconnected(): boolean {
    return this.#disconnected;
  }

  /** Counts one user in; the function it returns (safe to call twice) counts it out, the last one drains. */
  use(): () => Promise<void> {
    this.#users += 1;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.#users -= 1;
      if (this.#users > 0 || this.#connecting === undefined) return;
      const connecting = this.#connecting;
      this.#connecting = undefined;
      const connection = await connecting.catch(() => undefined);
      if (connection !== undefined) await drain(connection);
    };
  }

  async #connect(): Promise<NatsConnection> {
    const { servers, user, password, token, connectTimeoutMs } = this.settings;
    let connection: NatsConnection;
    try {
      connection = await connect({
        servers: servers.split(',').map((server) => server.trim()),
        name: this.settings.name || this.connectionName,
        timeout: connectTimeoutMs,
        // After the first connect, a server restart or an outage is waited out, never given up on.
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        ...(user === '' ? {} : { user, pass: password }),
        ...(token === '' ? {} : { token }),
      });
    } catch (error) {
      throw new NatsError(
        NatsErrorCodes.UNREACHABLE,
        `could not connect to NATS at ${servers} (nats.servers, --nats-servers): ${describe(error)}; ` +
          'start the server or fix the address (and nats.user/password/token if it needs them)',
        { cause: error },
      );
    }
    void this.#watch(connection);
    return connection;
  }

  /** Logs disconnects and reconnects: one line each, not one per failed attempt. */
  async #watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        this.#disconnected = true;
        this.logger.warn({ server: status.server }, 'disconnected from NATS; reconnecting');
      } else if (status.type === 'reconnect') {
        this.#disconnected = false;
        this.logger.info({ server: status.server }, 'reconnected to NATS');
      }
    }
  }
}

async function drain(connection: NatsConnection): Promise<void> {
  if (connection.isClosed()) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, DRAIN_WAIT_MS);
  });
  try {
    // A server that is down would keep drain waiting: past the wait the connection is closed as is.
    await Promise.race([connection.drain().catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
    if (!connection.isClosed()) await connection.close();
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
