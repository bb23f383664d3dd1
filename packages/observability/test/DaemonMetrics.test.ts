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

describe('DaemonMetrics: transport event counts', () => {
  it('exports what the transport counts, as it is at each scrape', async () => {
    let overflows = 0;
    const transport = {
      name: 'fake',
      eventCounts: () => ({ commit_metadata_overflows: overflows, finished_offsets_skipped: 7 }),
    } as unknown as Transport;
    const metrics = new DaemonMetrics(new DaemonStatus(), new OutcomeCounter(), transport);
    expect(await metrics.registry.metrics()).toContain(
      'switchyard_transport_events_total{event="commit_metadata_overflows"} 0',
    );
    overflows = 2;
    const text = await metrics.registry.metrics();
    expect(text).toContain('switchyard_transport_events_total{event="commit_metadata_overflows"} 2');
    expect(text).toContain('switchyard_transport_events_total{event="finished_offsets_skipped"} 7');
  });

  it('counts a dead letter only as the runner recorded it (applied), by media type', async () => {
    const counter = new OutcomeCounter();
    const metrics = new DaemonMetrics(new DaemonStatus(), counter);
    const deadLettered = { kind: 'dead-lettered', reason: 'invalid' } as const;
    counter.record({ messageId: 'm-1', mediaType: 'application/vnd.a', handler: 'A', outcome: deadLettered });
    counter.record({ messageId: 'm-2', mediaType: 'application/vnd.zzz', outcome: deadLettered });
    counter.record({
      messageId: 'm-3',
      mediaType: 'application/vnd.a',
      handler: 'A',
      outcome: { kind: 'failed', reason: 'kept' },
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('switchyard_dead_letters_total{media_type="application/vnd.a"} 1');
    expect(text).toContain('switchyard_dead_letters_total{media_type="unknown"} 1');
    expect(text).toContain('switchyard_messages_total{outcome="failed",media_type="application/vnd.a"} 1');
  });
});
