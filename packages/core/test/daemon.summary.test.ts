import 'reflect-metadata';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Order, startOrderDaemon, stopOrderDaemons } from './support/fixtures.js';

afterEach(stopOrderDaemons);

/**
 * Standard output as the daemon sees it: log lines reach it only when the logger's destination
 * gets round to writing them (as pino's asynchronous stdout does under load), other writes at once.
 */
function stdout() {
  const written: string[] = [];
  const pending: string[] = [];
  const destination = {
    write: (line: string) => pending.push(line),
    flush: (done: () => void) => {
      written.push(...pending.splice(0).map((line) => (JSON.parse(line) as { msg: string }).msg));
      done();
    },
  };
  return {
    logger: pino({ level: 'info' }, destination),
    write: (text: string) => written.push(text.trim()),
    written,
  };
}

describe('the summary line at stop', () => {
  it('comes after the "draining" line, and says how many of the deliveries received were redeliveries', async () => {
    const out = stdout();
    const { daemon } = await startOrderDaemon(
      (_order, context) => {
        if (context.attempt === 1) throw new Error('try again');
      },
      [],
      { logger: out.logger },
    );
    await daemon.publishAndWait(Order, { id: 'a', quantity: 1 });
    await daemon.publishAndWait(Order, { id: 'b', quantity: 1 });
    await daemon.running.stop();
    await daemon.running.writeSummary(out.write);

    const draining = out.written.indexOf('stopping: draining in-flight messages');
    const summary = out.written.findIndex((line) => line.startsWith('order-daemon summary:'));
    expect(draining).toBeGreaterThanOrEqual(0);
    expect(summary).toBeGreaterThan(draining);
    // Two messages, each delivered twice: four deliveries, two of them redeliveries.
    expect(out.written[summary]).toMatch(
      /^order-daemon summary: received=4 \(redeliveries=2\) succeeded=2 .* failed=2 /,
    );
    expect(daemon.running.counter.snapshot()).toMatchObject({ received: 4, redeliveries: 2, succeeded: 2 });
  });
});
