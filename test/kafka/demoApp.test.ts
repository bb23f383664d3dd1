import { describe, expect, it } from 'vitest';
import { expectDemoNumbersAddUp, runBuiltApp } from '../support/runBuiltApp.js';
import { brokerCases } from './support.js';

describe.each(brokerCases)('the demo pipeline on Kafka $version (built app, one flag)', ({ brokers }) => {
  it.skipIf(brokers === '')(
    'every stop is a consumer group on its topic; the per-stop numbers add up',
    async () => {
      const result = await runBuiltApp('demo', ['--kafka-brokers', brokers, '--count', '200']);
      expect(result.code, result.stderr).toBe(0);
      expectDemoNumbersAddUp(result.stdout, 200);
    },
  );
});
