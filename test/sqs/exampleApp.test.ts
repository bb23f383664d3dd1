import { describe, expect, it } from 'vitest';
import { runBuiltApp, simpleSummary } from '../support/runBuiltApp.js';
import { createQueue, elasticMq, messagesLeft, noElasticMq, sqsClient } from './support.js';

describe.skipIf(noElasticMq)('the README example on ElasticMQ (built app, child process)', () => {
  it('--queue-url and --endpoint-url: publishes N through SQS, handles and deletes each, exits 0', async () => {
    const client = sqsClient(elasticMq);
    const queueUrl = await createQueue(client, 'example');
    const result = await runBuiltApp(
      'simple',
      ['--queue-url', queueUrl, '--endpoint-url', elasticMq, '--count', '50'],
      {
        env: {
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_REGION: 'us-east-1',
          SIMPLE_CONSUMER__DAEMON__LOG_FORMAT: 'json',
        },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('"transport":"sqs"');
    expect(simpleSummary(result.stdout)).toMatchObject({ received: 50, succeeded: 50, 'dead-lettered': 0 });
    expect(await messagesLeft(client, queueUrl)).toBe(0);
  });
});
