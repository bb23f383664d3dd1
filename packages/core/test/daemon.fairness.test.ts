import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { ORDER, startOrderDaemon, stopOrderDaemons } from './support/fixtures.js';

afterEach(stopOrderDaemons);

describe('a deep backlog does not starve I/O', () => {
  it('lets timers and sockets run while a backlog of synchronous handlers drains', async () => {
    let handled = 0;
    const { daemon } = await startOrderDaemon(() => {
      handled += 1;
    }, ['--concurrency', '64']);
    const MESSAGES = 20_000;
    for (let index = 0; index < MESSAGES; index += 1)
      daemon.queue.send(JSON.stringify({ mediaType: ORDER, id: `o-${index}`, quantity: 1 }));
    // What a health probe needs: a turn of the event loop while messages are still being handled.
    const handledAtTurns: number[] = [];
    const turns = setInterval(() => handledAtTurns.push(handled), 0);
    await daemon.running.finished(MESSAGES);
    clearInterval(turns);
    expect(handled).toBe(MESSAGES);
    expect(handledAtTurns.some((count) => count > 0 && count < MESSAGES)).toBe(true);
  });
});
