import type { IncomingMessage } from 'node:http';

/** What a route answers. */
export interface HttpReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One endpoint of the health server: the probes, `/metrics`, and (opt-in) the console. */
export interface HttpRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** `body` is the request body read to the end (empty for GET), at most `MAX_REQUEST_BYTES`. */
  handle(request: IncomingMessage, body: string): Promise<HttpReply>;
}

export const MAX_REQUEST_BYTES = 64 * 1024;

export function jsonReply(status: number, value: unknown): HttpReply {
  return { status, contentType: 'application/json', body: JSON.stringify(value) };
}
