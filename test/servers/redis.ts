import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './freePort.js';
import { requireTool } from './requireTool.js';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * A Redis server for a test: the machine's own on 127.0.0.1:6379 when it answers, else one started
 * here on a free port (nothing saved to disk) and stopped afterwards. Undefined (skip, loudly) when
 * there is neither and no redis-server to start; under CI=true that is a failure instead.
 */
export async function useRedis(suite: string): Promise<RedisServer | undefined> {
  const local = 'redis://127.0.0.1:6379';
  if (await answers(local)) return { url: local, stop: () => Promise.resolve() };
  if (!requireTool('redis-server', ['--version'], suite)) return undefined;
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let tries = 0; tries < 100 && !(await answers(url)); tries += 1)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
