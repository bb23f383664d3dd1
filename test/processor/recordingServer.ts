import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface RecordingServer {
  readonly url: string;
  /** Every POST answered 200, in arrival order. */
  readonly received: ReceivedPost[];
  /** Connection attempts refused while down (counted by the client's failures, not here). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An HTTP sink target: records each POST's body and answers 200. `down()` closes its port
 * (connections refused, as a crashed service), `up()` listens on the same port again.
 */
export async function startRecordingServer(): Promise<RecordingServer> {
  const received: ReceivedPost[] = [];
  const make = (): Server =>
    createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString(), headers: request.headers });
        response.writeHead(200).end();
      });
    });
  const listen = (server: Server, port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const stop = (server: Server): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  let server = make();
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  return {
    url: `http://127.0.0.1:${port}/events`,
    received,
    down: async () => {
      if (!listening) return;
      listening = false;
      await stop(server);
    },
    up: async () => {
      if (listening) return;
      server = make();
      await listen(server, port);
      listening = true;
    },
    close: async () => {
      if (listening) await stop(server);
      listening = false;
    },
  };
}

/**
 * The sequence numbers of `key`'s "key:seq" bodies in order of first arrival (a repeat, which can
 * only follow an unconfirmed POST, is left out): 0, 1, 2, … when the key's order was kept.
 */
export function firstArrivals(bodies: readonly string[], key: string): number[] {
  const seqs = bodies.filter((body) => body.startsWith(`${key}:`)).map((body) => Number(body.split(':')[1]));
  return seqs.filter((seq, index) => seqs.indexOf(seq) === index);
}
