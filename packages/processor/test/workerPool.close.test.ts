import { join } from 'node:path';
import { expect, it } from 'vitest';
import { WorkerPool } from '../src/pool/WorkerPool.js';
import type { WorkerTask } from '../src/pool/protocol.js';
import { projectDir } from './support.js';

// Sync: its batches run in turn on a worker thread.
const HANDLER = `
export function handleEvent(context, data) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(data.toString()));
  return 'done';
}
`;

const task = (body: string, index: number): WorkerTask => ({
  kind: 'message',
  body: Buffer.from(body),
  messageId: `m-${index}`,
  headers: {},
  mediaType: 'text/plain',
  attempt: 1,
  source: 'test',
});

it('answers every message of an in-turn batch when the pool is closed under it', async () => {
  const dir = projectDir('', { 'handler.mjs': HANDLER });
  const pool = new WorkerPool({
    handlerFile: join(dir, 'handler.mjs'),
    workers: 1,
    runtime: 'threads',
    concurrency: 'auto',
    env: {},
    timeoutMs: 10_000,
    maxMemoryMb: 0,
  });
  await pool.probe();
  expect(pool.inTurn).toBe(true);
  // The first holds the worker; the next three go to it as one batch, and close() comes during it.
  const first = pool.run(task('300', 0));
  const batch = ['500', '10', '10'].map((body, index) => pool.run(task(body, index + 1)));
  await first;
  await new Promise((resolve) => setTimeout(resolve, 100));
  await pool.close();
  const results = await Promise.allSettled(batch);
  expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
  const reasons = results.map((result) => String((result as PromiseRejectedResult).reason));
  expect(reasons[1]).toContain('the worker pool was closed before this message ran');
  expect(reasons[2]).toContain('the worker pool was closed before this message ran');
}, 30_000);
