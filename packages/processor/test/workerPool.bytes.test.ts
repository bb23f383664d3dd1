import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../src/pool/WorkerPool.js';
import type { WorkerTask } from '../src/pool/protocol.js';
import { projectDir } from './support.js';

// Reports how big a buffer its data came in, and returns its data and a view on a 1 MiB buffer.
const HANDLER = `
export function handleEvent(context, data) {
  const large = Buffer.alloc(1 << 20, 'y');
  return [String(data.buffer.byteLength), data, large.subarray(0, 3)];
}
`;

const task = (body: Uint8Array): WorkerTask => ({
  kind: 'message',
  body,
  messageId: 'm-1',
  headers: {},
  mediaType: 'application/octet-stream',
  attempt: 1,
  source: 'test',
});

// Threads get the bytes alone; a child process reads a view on the one IPC message that held them.
const SMALL = 4096;

let pool: WorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

for (const runtime of ['threads', 'processes'] as const)
  describe(`the worker pool's bytes (${runtime})`, () => {
    it('carries views on larger buffers as their own bytes, to the worker and back', async () => {
      const dir = projectDir('', { 'handler.mjs': HANDLER });
      pool = new WorkerPool({
        handlerFile: join(dir, 'handler.mjs'),
        workers: 1,
        runtime,
        concurrency: 'auto',
        env: {},
        timeoutMs: 10_000,
        maxMemoryMb: 0,
      });
      await pool.probe();
      // As kafkajs hands over a record's value: a slice of the whole fetch response.
      const fetched = Buffer.alloc(1 << 20, 'x');
      fetched.write('hello', 1000);
      const reply = await pool.run(task(fetched.subarray(1000, 1005)));
      expect(reply.kind).toBe('ok');
      const [size, echoed, sliced] = reply.kind === 'ok' ? reply.outputs.map((output) => output.value) : [];
      expect(Number(size)).toBeLessThan(SMALL);
      for (const [value, text] of [
        [echoed, 'hello'],
        [sliced, 'yyy'],
      ] as const) {
        expect(Buffer.from(value as Uint8Array).toString()).toBe(text);
        expect((value as Uint8Array).buffer.byteLength).toBeLessThan(SMALL);
      }
    });
  });
