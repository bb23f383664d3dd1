import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ConsumerConfig } from '../src/config/ConsumerConfig.js';
import { loadConfig } from '../src/config/loadConfig.js';
import { ErrorCodes } from '../src/errors/codes.js';
import { thrownBy } from './support/thrownBy.js';

const FRACTION_ENV = 'SIMPLE_CONSUMER__CONSUMER__LEASE_EXTEND_FRACTION';

function leaseExtendFraction(text?: string): number {
  const env = text === undefined ? {} : { [FRACTION_ENV]: text };
  const config = loadConfig([ConsumerConfig], {
    daemonName: 'simple-consumer',
    env,
    dotenv: {},
    cli: new Map(),
  });
  return config.get(ConsumerConfig).leaseExtendFraction;
}

describe('consumer.leaseExtendFraction', () => {
  it('defaults to half the lease and accepts any fraction strictly between 0 and 1', () => {
    expect(leaseExtendFraction()).toBe(0.5);
    expect(leaseExtendFraction('0.25')).toBe(0.25);
    expect(leaseExtendFraction('0.9')).toBe(0.9);
  });

  it.each(['0', '1', '1.5', '-0.2'])('%s is refused, naming the key and the variable', (text) => {
    const error = thrownBy(() => leaseExtendFraction(text));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain('consumer.leaseExtendFraction');
    expect(error.message).toContain(FRACTION_ENV);
    expect(error.message).toContain('greater than 0 and less than 1');
  });
});
