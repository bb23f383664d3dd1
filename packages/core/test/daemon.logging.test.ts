import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { Nack, RejectMessage, SkipMessage, type HandlerContext } from '../src/index.js';
import { captureLogs } from './support/captureLogs.js';
import { Order, ORDER, Receipt, RECEIPT, startOrderDaemon, stopOrderDaemons } from './support/fixtures.js';

afterEach(stopOrderDaemons);

// The order id chooses what the handler does, so one daemon shows every outcome.
function behave(order: Order, context: HandlerContext): void {
  context.logger.info({ orderId: order.id }, 'handling');
  const first = context.attempt === 1;
  if (order.id === 'skip') throw new SkipMessage('not for us');
  if (order.id === 'nack' && first) throw new Nack(0, 'stock not there yet');
  if (order.id === 'fail' && first) throw new Error('database went away');
  if (order.id === 'reject') throw new RejectMessage('order from a banned customer');
}

async function startLogged() {
  const logs = captureLogs();
  const started = await startOrderDaemon(behave, [], { logger: logs.logger });
  return { ...started, logs };
}

describe('the handler logger', () => {
  it('binds the message id, media type, source and handler to every line the handler logs', async () => {
    const { daemon, behaviour, logs } = await startLogged();
    await daemon.publishAndWait(Order, { id: 'a', quantity: 1 });
    await daemon.publishAndWait(Order, { id: 'b', quantity: 1 });
    const handlerLines = logs.entries().filter((entry) => entry.msg === 'handling');
    const ids = behaviour.seen.map(({ context }) => context.messageId);
    expect(new Set(ids).size).toBe(2);
    expect(handlerLines).toHaveLength(2);
    for (const [index, orderId] of ['a', 'b'].entries()) {
      expect(handlerLines[index]).toMatchObject({
        messageId: ids[index],
        mediaType: ORDER,
        source: 'order-daemon',
        handler: 'OrderHandler',
        orderId,
      });
    }
  });
});

describe('outcome logs', () => {
  const outcomeLine = (entries: Array<Record<string, unknown>>, kind: string) =>
    entries.find((entry) => entry.outcome === kind);

  it.each([
    ['succeeded', 'ok', undefined, 20],
    ['skipped', 'skip', 'not for us', 30],
    ['retried', 'nack', 'stock not there yet', 40],
    ['failed', 'fail', 'database went away', 40],
    ['dead-lettered', 'reject', 'order from a banned customer', 50],
  ])('%s is logged once with its reason, attempt and the message id', async (kind, id, reason, level) => {
    const { daemon, behaviour, logs } = await startLogged();
    await daemon.publishAndWait(Order, { id, quantity: 1 });
    const lines = logs.entries().filter((entry) => entry.outcome === kind);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level,
      attempt: 1,
      messageId: behaviour.seen[0]?.context.messageId,
      mediaType: ORDER,
      msg: reason === undefined ? `message ${kind}` : expect.stringContaining(`message ${kind}: `),
    });
    if (reason !== undefined) expect(String(lines[0]?.reason)).toContain(reason);
  });

  it('ignored and expired messages, which reach no handler, are logged with their reasons', async () => {
    const { daemon, logs } = await startLogged();
    await daemon.publishAndWait(Receipt, { orderId: 'o-1' });
    await daemon.publishAndWait(Order, { id: 'x', quantity: 1 }, { opaqueData: { 'x-request-ttl': '0' } });
    expect(outcomeLine(logs.entries(), 'ignored')).toMatchObject({
      level: 30,
      mediaType: RECEIPT,
      reason: `no handler for media type "${RECEIPT}"`,
    });
    expect(outcomeLine(logs.entries(), 'expired')).toMatchObject({
      level: 30,
      reason: 'hop count x-request-ttl reached 0',
    });
  });

  it('an invalid message is logged as dead-lettered with the validation reason', async () => {
    const { daemon, logs } = await startLogged();
    await daemon.sendRawAndWait(JSON.stringify({ mediaType: ORDER, id: 'x', quantity: 0 }));
    expect(outcomeLine(logs.entries(), 'dead-lettered')).toMatchObject({
      mediaType: ORDER,
      reason: expect.stringContaining('quantity'),
    });
  });
});

describe('start-up log', () => {
  it('says for each schema whether its validation is compiled', async () => {
    const { logs } = await startLogged();
    const lines = logs.entries().filter((entry) => entry.validation !== undefined);
    expect(lines.map(({ schema, validation }) => ({ schema, validation }))).toEqual(
      expect.arrayContaining([{ schema: 'Order', validation: 'compiled' }]),
    );
    expect(lines.find((line) => line.schema === 'Order')?.msg).toBe('schema Order: compiled validation');
  });
});
