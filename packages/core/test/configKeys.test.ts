import { describe, expect, it } from 'vitest';
import { envPrefix, envVarName, toEnvSegment } from '../src/config/configKeys.js';

describe('toEnvSegment', () => {
  it.each([
    ['simple-consumer', 'SIMPLE_CONSUMER'],
    ['maxAttempts', 'MAX_ATTEMPTS'],
    ['consumer', 'CONSUMER'],
    ['queueUrl', 'QUEUE_URL'],
    ['s3Bucket', 'S3_BUCKET'],
    ['order.service', 'ORDER_SERVICE'],
  ])('%j → %j', (name, segment) => {
    expect(toEnvSegment(name)).toBe(segment);
  });
});

describe('envVarName', () => {
  it('joins daemon, section and key with double underscores', () => {
    expect(envVarName('simple-consumer', 'consumer', 'maxAttempts')).toBe(
      'SIMPLE_CONSUMER__CONSUMER__MAX_ATTEMPTS',
    );
  });

  it('converts a camelCase section name too', () => {
    expect(envVarName('orders', 'memoryQueue', 'visibilityTimeoutSeconds')).toBe(
      'ORDERS__MEMORY_QUEUE__VISIBILITY_TIMEOUT_SECONDS',
    );
  });
});

describe('envPrefix', () => {
  it('is the daemon segment followed by a double underscore', () => {
    expect(envPrefix('simple-consumer')).toBe('SIMPLE_CONSUMER__');
    expect(envVarName('simple-consumer', 'a', 'b').startsWith(envPrefix('simple-consumer'))).toBe(true);
  });
});
