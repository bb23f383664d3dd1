import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Event } from '@sentry/node';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** One POST the SDK made: the bytes on the wire and the envelope they decode to. */
export interface ReceivedRequest {
  readonly url: string;
  readonly raw: Buffer;
  readonly body: Buffer;
}

export interface EnvelopeItem {
  readonly header: Record<string, unknown>;
  readonly payload: Buffer;
}

/**
 * A stand-in for Sentry's ingest: records every request body (decompressed when the SDK sends
 * Content-Encoding gzip, deflate or br) and answers 200, as Sentry does.
 */
export class LocalIngest {
  readonly requests: ReceivedRequest[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<LocalIngest> {
    const server = createServer();
    const ingest = new LocalIngest(server);
    server.on('request', (request, response) => {
      void readAll(request).then((raw) => {
        ingest.requests.push({
          url: request.url ?? '',
          raw,
          body: decode(raw, request.headers['content-encoding']),
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return ingest;
  }

  get dsn(): string {
    return `http://publickey@127.0.0.1:${(this.server.address() as AddressInfo).port}/1`;
  }

  /** Every envelope item of this type (`event`, `session`, `client_report`), parsed as JSON. */
  items(type: string): Array<Record<string, unknown>> {
    return this.requests
      .flatMap((request) => parseEnvelope(request.body))
      .filter((item) => item.header.type === type)
      .map((item) => JSON.parse(item.payload.toString('utf8')) as Record<string, unknown>);
  }

  events(): Event[] {
    return this.items('event');
  }

  clear(): void {
    this.requests.length = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function decode(raw: Buffer, encoding: string | undefined): Buffer {
  switch (encoding) {
    case 'gzip':
      return gunzipSync(raw);
    case 'deflate':
      return inflateSync(raw);
    case 'br':
      return brotliDecompressSync(raw);
    case undefined:
    case 'identity':
      return raw;
    default:
      throw new Error(`the SDK sent Content-Encoding ${encoding}, which this ingest cannot read`);
  }
}

/** Sentry's envelope: a header line, then items (a header line, then `length` bytes or a line). */
export function parseEnvelope(body: Buffer): EnvelopeItem[] {
  const items: EnvelopeItem[] = [];
  let offset = body.indexOf(0x0a) + 1;
  if (offset === 0) return items;
  while (offset < body.length) {
    const headerEnd = lineEnd(body, offset);
    const headerText = body.subarray(offset, headerEnd).toString('utf8').trim();
    offset = headerEnd + 1;
    if (headerText === '') continue;
    const header = JSON.parse(headerText) as Record<string, unknown>;
    const end = typeof header.length === 'number' ? offset + header.length : lineEnd(body, offset);
    items.push({ header, payload: body.subarray(offset, end) });
    offset = end + 1;
  }
  return items;
}

function lineEnd(body: Buffer, from: number): number {
  const end = body.indexOf(0x0a, from);
  return end === -1 ? body.length : end;
}
