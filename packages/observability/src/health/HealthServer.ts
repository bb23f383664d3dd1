import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsumerConfig, DaemonStatus, TOKENS, type Container, type LifecycleHook } from '@switchyard/core';
import type { Logger } from 'pino';
import { DaemonMetrics } from '../metrics/DaemonMetrics.js';
import { HEALTH_CHECK, type HealthCheck } from './HealthCheck.js';
import { type HealthConfig } from './HealthConfig.js';
import { jsonReply, MAX_REQUEST_BYTES, type HttpReply, type HttpRoute } from './HttpRoute.js';
import { liveness, readiness, type ProbeResult } from './probes.js';

/** More routes for the health port (each binding a list: the console's), resolved when the server starts. */
export const HTTP_ROUTES = Symbol.for('switchyard.HttpRoutes');

/**
 * Serves `GET /health/live`, `GET /health/ready` (JSON, 200 or 503) and `GET /metrics`
 * (Prometheus text) while the daemon runs, plus any routes bound under `HTTP_ROUTES`.
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
    const probe = (path: string, answer: () => Promise<ProbeResult>): HttpRoute => ({
      method: 'GET',
      path,
      handle: async () => {
        const result = await answer();
        return jsonReply(result.ok ? 200 : 503, result.body);
      },
    });
    const routes: HttpRoute[] = [
      probe('/health/live', () => Promise.resolve(liveness(status, consumer, this.config.stallSeconds))),
      probe('/health/ready', () => readiness(status, checks, this.config.checkTimeoutMs)),
      {
        method: 'GET',
        path: '/metrics',
        handle: async () => ({
          status: 200,
          contentType: metrics.registry.contentType,
          body: await metrics.registry.metrics(),
        }),
      },
      ...container.getAll<HttpRoute[]>(HTTP_ROUTES, { optional: true }).flat(),
    ];
    const byKey = new Map(routes.map((route) => [`${route.method} ${route.path}`, route]));
    const server = createServer((request, response) => void respond(byKey, request, response));
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
  routes: ReadonlyMap<string, HttpRoute>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const route = routes.get(`${request.method ?? 'GET'} ${path}`);
  let reply: HttpReply;
  try {
    if (route === undefined) reply = jsonReply(404, { error: 'not found' });
    else {
      const body = await readBody(request);
      reply =
        body === undefined
          ? jsonReply(413, { error: `request body over ${MAX_REQUEST_BYTES} bytes` })
          : await route.handle(request, body);
    }
  } catch (error) {
    reply = jsonReply(500, { error: String(error) });
  }
  response.writeHead(reply.status, { 'content-type': reply.contentType, ...reply.headers }).end(reply.body);
}

/** The request body as text, or undefined when it is over the limit. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  if (request.method === 'GET') return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
