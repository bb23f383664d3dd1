import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeadLetterDetails, Transport, TransportMessage } from '@switchyard/core';
import type { ReplyBook } from '../handler/ReplyBook.js';
import type { WorkerOutput } from '../pool/protocol.js';

export interface HttpSourceOptions {
  readonly port: number;
  readonly host: string;
  readonly path: string;
  /** Requests waiting for the pool, at most; one more is answered 503 at once. */
  readonly capacity: number;
}

/**
 * `POST {path}` as a transport: each request is one message, and its outcome is the answer.
 * 200 with the handler's return value (ack), 4xx with the reason when the message is invalid or
 * rejected (dead letter: the sender has the reason, nothing is kept), 5xx with Retry-After when it
 * failed (nack: the sender retries, this source keeps nothing), 503 with Retry-After when the
 * pool's queue is full or the daemon is stopping.
 */
export class HttpSource implements Transport {
  readonly name = 'http';
  readonly #waiting: TransportMessage[] = [];
  readonly #responses = new Map<string, ServerResponse>();
  #wake: (() => void) | undefined;
  #server: Server | undefined;
  /** Larger bodies are answered 413 (the daemon's consumer.maxBodyBytes, set when it is selected). */
  maxBodyBytes = 1_048_576;

  constructor(
    private readonly options: HttpSourceOptions,
    private readonly replies: ReplyBook,
  ) {}

  /** The port listened on (useful with `port: 0`). */
  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? this.options.port;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => void this.#accept(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.#server = server;
  }

  async receive(max: number, signal: AbortSignal): Promise<TransportMessage[]> {
    if (this.#waiting.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 1000);
        function done(): void {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        this.#wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
      this.#wake = undefined;
    }
    return this.#waiting.splice(0, max);
  }

  async ack(message: TransportMessage): Promise<void> {
    const outputs = this.replies.take(message.id);
    this.#answer(message, 200, body(outputs), contentType(outputs));
  }

  async nack(message: TransportMessage, delaySeconds: number): Promise<void> {
    const reason = this.replies.takeFailure(message.id) ?? 'the handler failed';
    this.#answer(message, 500, `${reason}\n`, 'text/plain', Math.max(1, Math.ceil(delaySeconds)));
  }

  async release(message: TransportMessage): Promise<void> {
    this.replies.take(message.id);
    this.#answer(message, 503, 'the processor is stopping; retry\n', 'text/plain', 1);
  }

  async extend(): Promise<void> {}

  async deadLetter(message: TransportMessage, details: DeadLetterDetails): Promise<void> {
    this.replies.take(message.id);
    this.#answer(message, 422, `${details.reason}\n`, 'text/plain');
  }

  async close(): Promise<void> {
    for (const message of this.#waiting.splice(0)) await this.release(message);
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #accept(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== this.options.path) return reply(response, 404, `only POST ${this.options.path} is served\n`);
    if (request.method !== 'POST')
      return reply(response, 405, `use POST ${this.options.path}\n`, { allow: 'POST' });
    if (this.#server === undefined)
      return reply(response, 503, 'the processor is stopping; retry\n', { 'retry-after': '1' });
    if (this.#waiting.length >= this.options.capacity)
      return reply(response, 503, 'the worker pool is full; retry\n', { 'retry-after': '1' });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > this.maxBodyBytes)
        return reply(response, 413, `the body is above ${this.maxBodyBytes} bytes (consumer.maxBodyBytes)\n`);
      chunks.push(chunk);
    }
    const id = randomUUID();
    const key = header(request, 'x-record-key');
    const message: TransportMessage = {
      id,
      body: Buffer.concat(chunks),
      attributes: attributesOf(request),
      attempt: 1,
      source: this.options.path,
      ...(key === undefined ? {} : { key, orderingKey: key }),
      sentAt: Date.now(),
    };
    this.#responses.set(id, response);
    // A sender that hangs up still gets its message handled (at most once more than it saw).
    this.#waiting.push(message);
    this.#wake?.();
  }

  #answer(
    message: TransportMessage,
    status: number,
    text: string | Buffer,
    type: string,
    retryAfter?: number,
  ): void {
    const response = this.#responses.get(message.id);
    this.#responses.delete(message.id);
    if (response === undefined || response.writableEnded) return;
    reply(response, status, text, {
      'content-type': type,
      ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
    });
  }
}

function reply(
  response: ServerResponse,
  status: number,
  text: string | Buffer,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'text/plain', ...headers });
  response.end(text);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function attributesOf(request: IncomingMessage): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined) attributes[name] = Array.isArray(value) ? value.join(', ') : value;
  return attributes;
}

/** One record: its value; none: empty; several: a JSON array of their texts. */
function body(outputs: readonly WorkerOutput[]): string | Buffer {
  if (outputs.length === 0) return '';
  const text = (value: Uint8Array | string): string =>
    typeof value === 'string' ? value : Buffer.from(value).toString();
  if (outputs.length === 1) {
    const { value } = outputs[0]!;
    return typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return JSON.stringify(outputs.map((output) => text(output.value)));
}

function contentType(outputs: readonly WorkerOutput[]): string {
  if (outputs.length > 1) return 'application/json';
  return outputs[0]?.headers?.['content-type'] ?? 'application/octet-stream';
}
