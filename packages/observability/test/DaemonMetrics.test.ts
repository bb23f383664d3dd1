import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { DaemonStatus, OutcomeCounter, type ConsumerLag, type Transport } from '@switchyard/core';
import { DaemonMetrics } from '../src/index.js';

describe('DaemonMetrics: consumer lag from a partitioned transport', () => {
  it('exports each partition the transport reports, and drops partitions it no longer reports', async () => {
    let lags: ConsumerLag[] = [
      { source: 'orders', partition: 0, messages: 12 },
      { source: 'orders', partition: 1, messages: 0 },
    ];
    const transport = { name: 'fake', lag: () => lags } as unknown as Transport;
    const metrics = new DaemonMetrics(new DaemonStatus(), new OutcomeCounter(), transport);
    const first = await metrics.registry.metrics();
    expect(first).toContain('switchyard_consumer_lag_messages{source="orders",partition="0"} 12');
    expect(first).toContain('switchyard_consumer_lag_messages{source="orders",partition="1"} 0');
    lags = [{ source: 'orders', partition: 1, messages: 3 }];
    const second = await metrics.registry.metrics();
    expect(second).not.toContain('partition="0"');
    expect(second).toContain('switchyard_consumer_lag_messages{source="orders",partition="1"} 3');
  });
});
