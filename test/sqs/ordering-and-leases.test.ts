import type { RunningDaemon } from '@switchyard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handlerState, order, OrderDaemon, resetHandler, sleep } from './fixtures.js';
import {
  createQueue,
  elasticMq,
  finished,
  messagesLeft,
  noElasticMq,
  receiveAll,
  sendRaw,
  sqsClient,
  startDaemon,
} from './support.js';

const client = sqsClient(elasticMq);

describe.skipIf(noElasticMq)('FIFO order, visibility heartbeat and shutdown against ElasticMQ', () => {
  let running: RunningDaemon | undefined;
  beforeEach(() => resetHandler());
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('keeps the order within each MessageGroupId while groups run concurrently', async () => {
    const queue = await createQueue(client, 'ordered.fifo');
    const groups = ['a', 'b', 'c'];
    for (let sequence = 0; sequence < 8; sequence += 1)
      for (const group of groups)
        await sendRaw(
          client,
          queue,
          JSON.stringify(order(`${group}-${sequence}`, group, sequence)),
          {},
          {
            MessageGroupId: group,
          },
        );
    // Random work times make later messages finish first if anything ran them out of order.
    resetHandler(() => sleep(Math.random() * 30));
    running = await startDaemon(new OrderDaemon(), elasticMq, queue, ['--concurrency', '8']);
    await finished(running, groups.length * 8);
    for (const group of groups) {
      const sequences = handlerState.handled
        .filter((entry) => entry.order.group === group)
        .map((entry) => entry.order.sequence);
      expect(sequences).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }
    const overlapping = new Set(handlerState.handled.slice(0, 6).map((entry) => entry.order.group));
    expect(overlapping.size).toBeGreaterThan(1);
  });

  it('extends the visibility of a handler that outlives the visibility timeout: delivered once', async () => {
    const queue = await createQueue(client, 'slow', { VisibilityTimeout: '3' });
    resetHandler(() => sleep(7000));
    await sendRaw(client, queue, JSON.stringify(order('slow')));
    running = await startDaemon(new OrderDaemon(), elasticMq, queue, ['--concurrency', '4']);
    await finished(running, 1);
    // Without the heartbeat it would have been visible again after 3 s and received a second time.
    await sleep(3500);
    expect(handlerState.handled).toHaveLength(1);
    expect(running.counter.received).toBe(1);
    expect(await messagesLeft(client, queue)).toBe(0);
  });

  it('on shutdown, releases messages not started so another consumer gets them at once', async () => {
    // A long visibility timeout: only an explicit release makes them visible again soon. One FIFO
    // group makes the six one ordered line: the first runs, five are held unstarted.
    const queue = await createQueue(client, 'release.fifo', { VisibilityTimeout: '120' });
    for (let index = 0; index < 6; index += 1)
      await sendRaw(client, queue, JSON.stringify(order(`r-${index}`)), {}, { MessageGroupId: 'one' });
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    resetHandler(async () => {
      started();
      await sleep(1000);
    });
    running = await startDaemon(new OrderDaemon(), elasticMq, queue, ['--concurrency', '6']);
    await handlerStarted;
    await running.stop();
    expect(running.counter.received).toBe(6);
    expect(handlerState.handled.map((entry) => entry.order.id)).toEqual(['r-0']);
    const again = await receiveAll(client, queue, 5, 5000);
    expect(again.map((message) => (JSON.parse(message.Body!) as { id: string }).id)).toEqual([
      'r-1',
      'r-2',
      'r-3',
      'r-4',
      'r-5',
    ]);
  });
});
