import { createBus, memoryWire, type RpcWire } from '@switchyard/rpc';
import { MemoryBroker } from '@switchyard/core';
import { describe, expect, it } from 'vitest';

describe('createBus owns its wire', () => {
  it('bus.close() closes the wire once, and a second close by its creator does nothing more', async () => {
    const inner = memoryWire(new MemoryBroker(), 50);
    let closes = 0;
    const wire: RpcWire = {
      ...inner,
      openInbox: inner.openInbox.bind(inner),
      close: async () => {
        closes += 1;
        await inner.close();
      },
    };
    const bus = await createBus({ wire });
    await bus.close();
    expect(closes).toBe(1);
    await wire.close();
    await bus.close();
    expect(closes).toBe(1);
  });
});
