import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import {
  type ConsumerConfig,
  type DaemonStatus,
  type OutcomeCounter,
  type DeadLetterStore,
  type ReplayFilter,
  type Transport,
} from '@switchyard/core';
import type { Logger } from 'pino';
import { jsonReply, type HttpReply, type HttpRoute } from '../health/HttpRoute.js';
import type { ConsoleConfig } from './ConsoleConfig.js';
import { hasConsoleToken, isLoopback } from './consoleToken.js';
import type { OutcomeHistory } from './OutcomeHistory.js';

/** The page and its script, shipped beside dist/ in the package (no build step, no download). */
const ASSETS = new URL('../../console/', import.meta.url);
const asset = (name: string, contentType: string): HttpReply => ({
  status: 200,
  contentType,
  body: readFileSync(new URL(name, ASSETS)),
  headers: { 'cache-control': 'no-store' },
});

export interface ConsoleParts {
  readonly daemonName: string;
  readonly config: ConsoleConfig;
  readonly consumer: ConsumerConfig;
  readonly status: DaemonStatus;
  readonly counter: OutcomeCounter;
  readonly history: OutcomeHistory;
  readonly transport: Transport;
  /** The transport's dead letters, when it can read its destination. */
  readonly deadLetters?: DeadLetterStore;
  readonly logger: Logger;
}

/**
 * `/console` (the page), `/console/data.json` (what it charts), `/console/dead-letters.json` and
 * `POST /console/replay` (needs the token). Every console route answers loopback clients only
 * unless `console.allowRemote`.
 */
export function consoleRoutes(parts: ConsoleParts): HttpRoute[] {
  const page = asset('index.html', 'text/html; charset=utf-8');
  const script = asset('console.js', 'text/javascript; charset=utf-8');
  const guarded =
    (handle: (request: IncomingMessage, body: string) => Promise<HttpReply>) =>
    (request: IncomingMessage, body: string): Promise<HttpReply> =>
      parts.config.allowRemote || isLoopback(request)
        ? handle(request, body)
        : Promise.resolve(
            jsonReply(403, { error: 'the console answers loopback clients only (console.allowRemote)' }),
          );
  const route = (method: HttpRoute['method'], path: string, handle: HttpRoute['handle']): HttpRoute => ({
    method,
    path,
    handle: guarded(handle),
  });
  return [
    route('GET', '/console', () => Promise.resolve(page)),
    route('GET', '/console/console.js', () => Promise.resolve(script)),
    route('GET', '/console/data.json', () => Promise.resolve(jsonReply(200, snapshot(parts)))),
    route('GET', '/console/dead-letters.json', () => listDeadLetters(parts)),
    route('POST', '/console/replay', (request, body) => replay(parts, request, body)),
  ];
}

function snapshot(parts: ConsoleParts): unknown {
  return {
    daemon: parts.daemonName,
    transport: parts.transport.name,
    ready: parts.status.ready,
    draining: parts.status.draining,
    inFlight: parts.status.inFlight,
    concurrency: parts.consumer.concurrency,
    totals: parts.counter.snapshot(),
    outcomes: parts.history.series(),
    lag: parts.transport.lag?.() ?? [],
    replay:
      parts.deadLetters === undefined ? 'unavailable' : parts.config.token === '' ? 'read-only' : 'token',
  };
}

async function listDeadLetters(parts: ConsoleParts): Promise<HttpReply> {
  if (parts.deadLetters === undefined) {
    return jsonReply(200, {
      available: false,
      why: `the ${parts.transport.name} transport cannot list its dead letters here`,
      deadLetters: [],
    });
  }
  return jsonReply(200, {
    available: true,
    deadLetters: await parts.deadLetters.list(parts.config.deadLetters),
  });
}

async function replay(parts: ConsoleParts, request: IncomingMessage, body: string): Promise<HttpReply> {
  if (parts.config.token === '') {
    return jsonReply(403, { error: 'the console is read-only: set console.token to allow replays' });
  }
  if (!hasConsoleToken(request, parts.config.token)) {
    return jsonReply(401, {
      error: 'replay needs the console token (Authorization: Bearer <console.token>)',
    });
  }
  if (parts.deadLetters === undefined) {
    return jsonReply(501, { error: `the ${parts.transport.name} transport cannot replay dead letters here` });
  }
  const filter = parseFilter(body);
  if (typeof filter === 'string') return jsonReply(400, { error: filter });
  const actor = `console@${request.socket.remoteAddress ?? 'unknown'}`;
  const result = await parts.deadLetters.replay(filter, actor);
  parts.logger.info({ ...filter, ...result, actor }, 'dead letters replayed from the console');
  return jsonReply(200, result);
}

/** `{ reason?, mediaType?, limit? }`, or the reason it is not one. */
function parseFilter(body: string): ReplayFilter | string {
  let value: unknown;
  try {
    value = body === '' ? {} : JSON.parse(body);
  } catch {
    return 'the replay request is not JSON: send {"reason"?: string, "mediaType"?: string, "limit"?: number}';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'the replay request must be a JSON object';
  const { reason, mediaType, limit } = value as Record<string, unknown>;
  if (reason !== undefined && typeof reason !== 'string') return '"reason" must be a string';
  if (mediaType !== undefined && typeof mediaType !== 'string') return '"mediaType" must be a string';
  if (limit !== undefined && (!Number.isInteger(limit) || (limit as number) < 1))
    return '"limit" must be a whole number >= 1';
  return { reason, mediaType, limit: limit as number | undefined };
}
