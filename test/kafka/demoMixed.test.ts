import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startElasticMq, type RunningElasticMq } from '../servers/elasticmq.js';
import { expectDemoNumbersAddUp, runBuiltApp } from '../support/runBuiltApp.js';
import { kafkaBrokers } from './support.js';

// One pipeline over three buses: busdriver and whitelist on Kafka, contactpoint on SQS (ElasticMQ),
// logstop on the embedded bus. Each forward publishes through the next stop's bus.
const [broker] = kafkaBrokers;
let elasticMq: RunningElasticMq | undefined;
beforeAll(async () => {
  if (broker !== undefined) elasticMq = await startElasticMq();
}, 180_000);
afterAll(() => elasticMq?.stop());

describe.skipIf(broker === undefined)('the demo pipeline on mixed buses (built app)', () => {
  it('--stop-bus: stops on Kafka, SQS and the embedded bus forward to each other; the numbers add up', async () => {
    const args = ['--kafka-brokers', broker!.brokers, '--endpoint-url', elasticMq!.endpoint];
    const placements = ['--stop-bus', 'contactpoint=sqs', '--stop-bus', 'logstop=memory'];
    const result = await runBuiltApp('demo', [...args, ...placements, '--count', '200'], {
      env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' },
    });
    expect(result.code, result.stderr).toBe(0);
    expectDemoNumbersAddUp(result.stdout, 200);
    // contactpoint consumes only its SQS queue: had the busdriver published to a Kafka topic instead,
    // nothing would have reached it and the run could not have finished.
    expect(result.stdout).toMatch(/contactpoint: received=200 /);
  });
});
