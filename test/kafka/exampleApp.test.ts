import { describe, expect, it } from 'vitest';
import { runBuiltApp, simpleSummary } from '../support/runBuiltApp.js';
import { brokerCases, createTopic } from './support.js';

describe.each(brokerCases)(
  'the README example on Kafka $version (built app, child process)',
  ({ brokers }) => {
    it.skipIf(brokers === '')(
      '--kafka-brokers, --topic, --group-id: publishes N to the topic, handles each, exits 0',
      async () => {
        const topic = await createTopic(brokers, 2);
        const result = await runBuiltApp(
          'simple',
          [
            '--kafka-brokers',
            brokers,
            '--topic',
            topic,
            '--group-id',
            'simple.consumer',
            '--from-beginning',
            '--count',
            '50',
          ],
          { env: { SIMPLE_CONSUMER__DAEMON__LOG_FORMAT: 'json' } },
        );
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain('"transport":"kafka"');
        expect(simpleSummary(result.stdout)).toMatchObject({ succeeded: 50, 'dead-lettered': 0 });
      },
    );
  },
);
