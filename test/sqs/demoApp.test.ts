import { describe, expect, it } from 'vitest';
import { expectDemoNumbersAddUp, runBuiltApp } from '../support/runBuiltApp.js';
import { elasticMq, noElasticMq } from './support.js';

describe.skipIf(noElasticMq)('the demo pipeline on SQS (ElasticMQ, built app)', () => {
  it('--sqs: every stop consumes its own queue, forwards by queue name, and the numbers add up', async () => {
    const result = await runBuiltApp('demo', ['--sqs', '--endpoint-url', elasticMq, '--count', '200'], {
      env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' },
    });
    expect(result.code, result.stderr).toBe(0);
    expectDemoNumbersAddUp(result.stdout, 200);
  });
});
