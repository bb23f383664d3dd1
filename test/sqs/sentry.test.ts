import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import type { RunningDaemon } from '@switchyard/core';
import { sentryPlugin } from '@switchyard/sentry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIngest } from '../sentry/ingest.js';
import { order, ORDER_MEDIA_TYPE, OrderDaemon, resetHandler } from './fixtures.js';
import { elasticMq, finished, noElasticMq, sendRaw, sqsClient, startDaemon } from './support.js';

class ReportingOrderDaemon extends OrderDaemon {
  override readonly plugins = [sentryPlugin];
}

let ingest: LocalIngest;
beforeAll(async () => (ingest = await LocalIngest.start()));
afterAll(() => ingest.close());

describe.skipIf(noElasticMq)('Sentry on SQS (ElasticMQ, the real SDK, a local ingest)', () => {
  it('reports a failed message with transport=sqs and the queue it came from', async () => {
    const sqs = sqsClient(elasticMq);
    // Not createQueue's name (pid-timestamp-counter): 13+ digits joined by dashes may pass the Luhn
    // check, and the scrubber would then rightly redact the tag as a card number.
    const created = await sqs.send(
      new CreateQueueCommand({ QueueName: `reported${process.pid}x${Date.now()}` }),
    );
    const queueUrl = created.QueueUrl!;
    // A dead-letter queue, so the message really is dead-lettered (without one it stays on the queue).
    const deadLetters = await sqs.send(
      new CreateQueueCommand({ QueueName: `reported${process.pid}x${Date.now()}dlq` }),
    );
    resetHandler(() => {
      throw new Error('warehouse unavailable');
    });
    const running: RunningDaemon = await startDaemon(new ReportingOrderDaemon(), elasticMq, queueUrl, [
      ...['--set', 'sentry.enabled=true', '--set', `sentry.dsn=${ingest.dsn}`],
      ...['--set', 'consumer.maxAttempts=1'],
      ...['--set', `sqs.deadLetterQueueUrl=${deadLetters.QueueUrl!}`],
    ]);
    try {
      await sendRaw(sqs, queueUrl, JSON.stringify(order('o-1')));
      await finished(running, 1);
    } finally {
      await running.stop(); // flushes the SDK: the ingest has every event after this
    }
    const [event, ...more] = ingest.events();
    expect(more).toEqual([]);
    expect(event!.exception?.values?.[0]?.value).toBe('warehouse unavailable');
    expect(event!.tags).toMatchObject({
      transport: 'sqs',
      queue: queueUrl,
      source: queueUrl,
      media_type: ORDER_MEDIA_TYPE,
      outcome: 'dead-lettered',
      daemon: 'order-consumer',
    });
    expect(event!.tags).not.toHaveProperty('topic');
  });
});
