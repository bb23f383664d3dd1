import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsumerConfig, DaemonStatus, TOKENS, type Container, type LifecycleHook } from '@switchyard/core';
import type { Logger } from 'pino';
import { DaemonMetrics } from '../metrics/DaemonMetrics.js';
import { HEALTH_CHECK, type HealthCheck } from './HealthCheck.js';
import { type HealthConfig } from './HealthConfig.js';
import { liveness, readiness, type ProbeResult } from './probes.js';

/**
 * Serves `GET /health/live`, `GET /health/ready` (JSON, 200 or 503) and `GET /metrics`
 * (Prometheus text) while the daemon runs.
 */
export class HealthServer implements LifecycleHook {
  readonly name = 'health server';
  #server: Server | undefined;

  constructor(private readonly config: HealthConfig) {}

  /** The bound port (useful when configured as an ephemeral port in tests). */
  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(container: Container): Promise<void> {
    const status = container.get(DaemonStatus);
    const consumer = container.get(ConsumerConfig);
    const metrics = container.get(DaemonMetrics);
    const checks = container.getAll<HealthCheck>(HEALTH_CHECK, { optional: true });
    const logger = container.get<Logger>(TOKENS.Logger);
    const routes: Record<string, () => Promise<ProbeResult | string>> = {
      '/health/live': () => Promise.resolve(liveness(status, consumer, this.config.stallSeconds)),
      '/health/ready': () => readiness(status, checks, this.config.checkTimeoutMs),
      '/metrics': () => metrics.registry.metrics(),
    };
    const server = createServer(
      (request, response) => void respond(routes, request, response, metrics.registry.contentType),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port, this.config.host, () => resolve());
    });
    this.#server = server;
    logger.info({ port: this.port, host: this.config.host }, 'health and metrics endpoints listening');
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function respond(
  routes: Record<string, () => Promise<ProbeResult | string>>,
  request: IncomingMessage,
  response: ServerResponse,
  metricsContentType: string,
): Promise<void> {
  const route = routes[new URL(request.url ?? '/', 'http://localhost').pathname];
  if (request.method !== 'GET' || route === undefined) {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    return;
  }
  try {
    const result = await route();
    if (typeof result === 'string') {
      response.writeHead(200, { 'content-type': metricsContentType }).end(result);
    } else {
      response
        .writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(result.body));
    }
  } catch (error) {
    response
      .writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: String(error) }));
  }
}
