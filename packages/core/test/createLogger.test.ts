import { describe, expect, it } from 'vitest';
import { captureLogs } from './support/captureLogs.js';

describe('createLogger redaction', () => {
  it.each(['password', 'secret', 'token', 'authorization', 'cookie', 'apiKey', 'dsn', 'credentials'])(
    'redacts %s at the top level and one and two levels deep',
    (key) => {
      const { logger, text, entries } = captureLogs();
      logger.info({
        [key]: 'hunter2-top',
        config: { [key]: 'hunter2-one' },
        a: { b: { [key]: 'hunter2-two' } },
      });
      expect(text()).not.toContain('hunter2');
      expect(entries()[0]).toMatchObject({
        [key]: '[redacted]',
        config: { [key]: '[redacted]' },
        a: { b: { [key]: '[redacted]' } },
      });
    },
  );

  it('keeps other keys and the message', () => {
    const { logger, entries } = captureLogs();
    logger.info({ queue: 'orders', user: 'ada' }, 'started');
    expect(entries()[0]).toMatchObject({ name: 'captured', queue: 'orders', user: 'ada', msg: 'started' });
  });

  it('logs nothing below its level', () => {
    const { logger, entries } = captureLogs('info');
    logger.debug('hidden');
    expect(entries()).toEqual([]);
  });
});
