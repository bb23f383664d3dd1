import { createServer, type IncomingMessage, type Server } from 'node:http';
import { freePort } from './freePort.js';

export interface FaultyProxy {
  readonly endpoint: string;
  /** While set, every request gets this HTTP status and AWS error type instead of reaching the server. */
  fault: { status: number; type: string } | undefined;
  /** When set, only this many more requests get the fault; then it clears itself. */
  faultsLeft: number | undefined;
  /** Requests seen, faulted or not. */
  requests: number;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy in front of a real server that can answer every request with an injected error
 * (5xx, throttling, expired credentials), so tests can watch a client fail and then recover.
 */
export async function startFaultyProxy(target: string): Promise<FaultyProxy> {
  const port = await freePort();
  const proxy: FaultyProxy = {
    endpoint: `http://127.0.0.1:${port}`,
    fault: undefined,
    faultsLeft: undefined,
    requests: 0,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      proxy.requests += 1;
      if (proxy.fault !== undefined) {
        if (proxy.faultsLeft !== undefined && --proxy.faultsLeft <= 0) {
          proxy.faultsLeft = undefined;
          setImmediate(() => (proxy.fault = undefined));
        }
        const { status, type } = proxy.fault;
        // Answer in the caller's protocol: AWS JSON (SQS) or AWS query with XML errors (SNS).
        if (String(request.headers['content-type']).includes('x-www-form-urlencoded')) {
          response.writeHead(status, { 'content-type': 'text/xml' });
          response.end(
            `<ErrorResponse><Error><Type>Sender</Type><Code>${type}</Code><Message>injected ${type}</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
          );
        } else {
          response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
          response.end(JSON.stringify({ __type: type, message: `injected ${type}` }));
        }
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'content-length'),
      ) as Record<string, string>;
      const answer = await fetch(`${target}${request.url ?? '/'}`, {
        method: request.method,
        headers,
        body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
      });
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(Buffer.from(await answer.arrayBuffer()));
    })().catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return proxy;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
