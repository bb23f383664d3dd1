import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { TestDaemon } from '@switchyard/core/testing';
import { tracingPlugin } from '../src/index.js';
import { Order, OrderBehaviour, OrderDaemon, Receipt } from '../../core/test/support/fixtures.js';

class TracedDaemon extends OrderDaemon {
  override readonly plugins = [tracingPlugin];
}

describe('tracing without an OpenTelemetry SDK', () => {
  it('is a no-op: messages are handled and published without trace attributes', async () => {
    const daemon = await TestDaemon.start(new TracedDaemon());
    daemon.running.container.get(OrderBehaviour).run = async (order, handler) => {
      await handler.producer.produce(Receipt, { orderId: order.id });
    };
    expect((await daemon.publishAndWait(Order, { id: 'x', quantity: 1 })).kind).toBe('succeeded');
    expect(daemon.recorder.sent[0]?.attributes).toEqual({ media_type: 'application/vnd.test.receipt' });
    await daemon.stop();
  });
});
