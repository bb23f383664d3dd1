import { healthPlugin } from '@switchyard/observability';
import { describe, expect, it } from 'vitest';
import { sample, scrape } from '../../packages/observability/test/support/prometheus.js';
import { freePort } from '../servers/freePort.js';
import { order, ORDER_MEDIA_TYPE, OrderDaemon, resetHandler } from './fixtures.js';
import { createQueue, elasticMq, finished, noElasticMq, sendRaw, sqsClient, startDaemon } from './support.js';

class ObservedOrderDaemon extends OrderDaemon {
  override readonly plugins = [healthPlugin];
}

describe.skipIf(noElasticMq)('/metrics of a daemon on SQS (ElasticMQ)', () => {
  it('observes each message age at first receipt (SentTimestamp), counts outcomes and batch sizes', async () => {
    const sqs = sqsClient(elasticMq);
    const queueUrl = await createQueue(sqs, 'metered');
    for (const id of ['m-1', 'm-2', 'm-3']) await sendRaw(sqs, queueUrl, JSON.stringify(order(id)));
    resetHandler();
    const port = await freePort();
    const running = await startDaemon(new ObservedOrderDaemon(), elasticMq, queueUrl, [
      ...['--healthcheck-port', String(port), '--set', 'health.host=127.0.0.1'],
    ]);
    try {
      await finished(running, 3);
      const metrics = await scrape(`http://127.0.0.1:${port}`);
      expect(sample(metrics, 'switchyard_message_age_seconds_count')).toBe(3);
      expect(sample(metrics, 'switchyard_message_age_seconds_sum')).toBeGreaterThan(0);
      expect(
        sample(metrics, `switchyard_messages_total{outcome="succeeded",media_type="${ORDER_MEDIA_TYPE}"}`),
      ).toBe(3);
      expect(sample(metrics, 'switchyard_receive_batch_size_sum')).toBe(3);
      // SQS has no partitions and no offsets: no lag series.
      expect(metrics).not.toContain('switchyard_consumer_lag_messages{');
    } finally {
      await running.stop();
    }
  });
});
