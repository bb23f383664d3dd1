import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { MemoryQueue } from '../memory/MemoryQueue.js';

/**
 * `--replay FILE` / `--stdin`: each non-empty line is one message body, put on the in-memory queue
 * the daemon consumes. Lines are not parsed here: a bad line goes through the pipeline like any
 * bad message and gets its outcome (dead-lettered, with the reason) there.
 */
export async function feedLines(input: Readable, queue: MemoryQueue, maxQueued: number): Promise<number> {
  let count = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    queue.send(line);
    count += 1;
    // Backpressure: a large file is read as fast as it is consumed, not into memory at once.
    while (queue.size >= maxQueued) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return count;
}

export function openReplay(path: string | undefined): Readable | undefined {
  if (path === undefined) return undefined;
  return createReadStream(path, { encoding: 'utf8' });
}
