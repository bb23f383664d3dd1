import { createServer, type IncomingMessage, type Server } from 'node:http';
import { freePort } from './freePort.js';

export interface FaultyProxy {
  readonly endpoint: string;
  /** While set, every request gets this HTTP status and AWS error type instead of reaching the server. */
  fault: { status: number; type: string } | undefined;
  /** When set, only this many more requests get the fault; then it clears itself. */
  faultsLeft: number | undefined;
  /**
   * While set, requests for this action (AWS JSON `X-Amz-Target: …<action>`, or AWS query
   * `Action=<action>`) reach the server at once but are answered `ms` later: the server has acted,
   * the caller is still waiting.
   */
  answerDelay: { action: string; ms: number } | undefined;
  /** Answers held back by `answerDelay` so far (counted once the server has answered). */
  delayed: number;
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
    answerDelay: undefined,
    delayed: 0,
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
      const answerBody = Buffer.from(await answer.arrayBuffer());
      const delay = proxy.answerDelay;
      if (delay !== undefined && actionOf(request, body) === delay.action) {
        proxy.delayed += 1;
        await new Promise((resolve) => setTimeout(resolve, delay.ms));
      }
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(answerBody);
    })().catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return proxy;
}

/** The AWS action a request calls: from `X-Amz-Target` (AWS JSON, SQS) or the form body (AWS query, SNS). */
function actionOf(request: IncomingMessage, body: Buffer): string | undefined {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop();
  return new URLSearchParams(body.toString()).get('Action') ?? undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
