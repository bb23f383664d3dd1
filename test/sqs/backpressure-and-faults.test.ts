import type { RunningDaemon } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { order, OrderDaemon, resetHandler, sleep } from './fixtures.js';
import {
  createQueue,
  daemonPerTest,
  finished,
  observedClient,
  sendRaw,
  sqsClient,
  proxyPerTest,
  sqsServers,
  until,
  useClient,
} from './support.js';

for (const server of sqsServers)
  describe.skipIf(server.missing)(`backpressure and server faults against ${server.name}`, () => {
    const client = sqsClient(server.endpoint);
    const proxy = proxyPerTest(server.endpoint);
    const start = daemonPerTest();

    /**
     * Runs `count` messages of 100 ms work through a daemon whose client records, at each
     * ReceiveMessage, how many receives are in flight and how much they ask for with what it holds.
     */
    async function recordReceives(count: number, argv: string[]) {
      const queue = await createQueue(client, 'backpressure');
      for (let index = 0; index < count; index += 1)
        await sendRaw(client, queue, JSON.stringify(order(`b-${index}`)));
      resetHandler(() => sleep(100));
      // The recorder reads it from the first receive on, before `start` has resolved.
      let daemon: RunningDaemon | undefined = undefined;
      const polls = { inFlight: 0, asked: 0, mostInFlight: 0, mostAskedAndHeld: 0, receives: 0 };
      const recording = observedClient(server.endpoint, (command, input) => {
        if (command !== 'ReceiveMessageCommand') return;
        const asked = Number(input.MaxNumberOfMessages);
        polls.receives += 1;
        polls.inFlight += 1;
        polls.asked += asked;
        polls.mostInFlight = Math.max(polls.mostInFlight, polls.inFlight);
        const held = daemon?.status.inFlight ?? 0;
        polls.mostAskedAndHeld = Math.max(polls.mostAskedAndHeld, polls.asked + held);
        return () => {
          polls.inFlight -= 1;
          polls.asked -= asked;
        };
      });
      daemon = await start(new OrderDaemon(), server.endpoint, queue, argv, {
        modules: [useClient(recording)],
      });
      await finished(daemon, count);
      return polls;
    }

    it('never asks for more messages than the daemon has room for', async () => {
      const polls = await recordReceives(12, ['--concurrency', '3']);
      expect(polls.receives).toBeGreaterThanOrEqual(4);
      expect(polls.mostAskedAndHeld).toBeLessThanOrEqual(3);
    });

    it('keeps sqs.pollers receives in flight at once, together within the room', async () => {
      const polls = await recordReceives(40, ['--concurrency', '16', '--set', 'sqs.pollers=2']);
      expect(polls.mostInFlight).toBe(2);
      expect(polls.mostAskedAndHeld).toBeLessThanOrEqual(16);
    });

    for (const fault of [
      { status: 500, type: 'InternalError' },
      { status: 400, type: 'ThrottlingException' },
      { status: 403, type: 'ExpiredToken' },
    ])
      it(`${fault.type}: not ready while it lasts, ready again on an empty queue once it ends`, async () => {
        const queue = await createQueue(client, 'faulty');
        proxy().fault = fault;
        const daemon = await start(new OrderDaemon(), proxy().endpoint, queue, [
          '--set',
          'sqs.maxAttempts=1',
        ]);
        await until('three polls failed', () => daemon.status.consecutivePollFailures >= 3);
        expect(daemon.status.ready).toBe(false);
        expect(daemon.status.lastError).toContain(`injected ${fault.type}`);
        proxy().fault = undefined;
        // Nothing to receive: an empty poll alone must bring readiness back.
        await until('ready again', () => daemon.status.ready);
        await sendRaw(client, queue, JSON.stringify(order('after-the-fault')));
        await finished(daemon, 1);
        expect(daemon.counter.get('succeeded')).toBe(1);
      });
  });
