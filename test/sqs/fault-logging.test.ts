import type { RunningDaemon } from '@switchyard/core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { order, OrderDaemon, resetHandler } from './fixtures.js';
import {
  createQueue,
  daemonPerTest,
  finished,
  proxyPerTest,
  sendRaw,
  sqsClient,
  sqsServers,
  until,
} from './support.js';

const THROTTLED = { status: 400, type: 'ThrottlingException' };

interface LogLine {
  readonly msg: string;
  readonly failures?: number;
}

/** A logger that keeps each line, to count what an outage logs. */
function capturedLogger(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = { write: (line: string) => lines.push(JSON.parse(line) as LogLine) };
  return { logger: pino({ level: 'info' }, stream), lines };
}

const count = (lines: LogLine[], text: string): number =>
  lines.filter((line) => line.msg.includes(text)).length;

for (const server of sqsServers)
  describe.skipIf(server.missing)(`what an outage logs, against ${server.name}`, () => {
    const client = sqsClient(server.endpoint);
    const proxy = proxyPerTest(server.endpoint);
    const start = daemonPerTest();
    const startBehindProxy = (queue: string, logger: pino.Logger): Promise<RunningDaemon> =>
      start(new OrderDaemon(), proxy().endpoint, queue, ['--set', 'sqs.maxAttempts=1'], { logger });

    it('a failing poll loop logs the first failure of each streak and each recovery', async () => {
      const { logger, lines } = capturedLogger();
      const daemon = await startBehindProxy(await createQueue(client, 'streaks'), logger);
      for (const failures of [5, 3]) {
        proxy().fault = THROTTLED;
        await until(`${failures} polls failed`, () => daemon.status.consecutivePollFailures >= failures);
        proxy().fault = undefined;
        await until('ready again', () => daemon.status.ready);
      }
      // A long poll sent just before a fault may still succeed inside it and end a streak early, so
      // the test checks the shape: each streak's first failure logged, then its recovery, nothing else.
      const streaks = lines.filter((line) => line.msg.startsWith('receive '));
      expect(streaks.length).toBeGreaterThanOrEqual(4);
      for (const [index, line] of streaks.entries())
        expect(line.msg).toBe(
          index % 2 === 0 ? 'receive failed; backing off and retrying' : 'receive recovered',
        );
      const failures = streaks.reduce((sum, line) => sum + (line.failures ?? 0), 0);
      expect(failures).toBeGreaterThanOrEqual(8);
    });

    it('deletes failing for every message log once, then once when they work again', async () => {
      const { logger, lines } = capturedLogger();
      const queue = await createQueue(client, 'ack-streak', { VisibilityTimeout: '2' });
      for (let index = 0; index < 5; index += 1)
        await sendRaw(client, queue, JSON.stringify(order(`a-${index}`)));
      // The first attempts all succeed, but the server refuses every delete: each comes back in 2 s.
      resetHandler((_, context) => {
        if (context.attempt === 1) proxy().fault = THROTTLED;
      });
      const daemon = await startBehindProxy(queue, logger);
      await finished(daemon, 5);
      await until('every delete failed', () => count(lines, 'could not delete') > 0);
      proxy().fault = undefined;
      await finished(daemon, 10, 20_000);
      await daemon.stop();
      expect(count(lines, 'could not delete')).toBe(1);
      expect(count(lines, 'deletes and visibility changes work again')).toBe(1);
    });
  });
