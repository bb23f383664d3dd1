import 'reflect-metadata';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsumerConfig, ErrorCodes, SwitchyardError } from '../src/index.js';
import { OrderDaemon, startOrderDaemon, stopOrderDaemons } from './support/fixtures.js';
import { TestDaemon } from '../src/testing/index.js';

afterEach(stopOrderDaemons);

const PREFIX = 'ORDER_DAEMON__CONSUMER__';

function envFile(lines: Record<string, string>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'switchyard-env-')), 'daemon.env');
  writeFileSync(
    path,
    Object.entries(lines)
      .map(([key, value]) => `${PREFIX}${key}=${value}\n`)
      .join(''),
  );
  return path;
}

describe('--env-file', () => {
  it('reads the file; precedence is defaults < .env < environment < command line', async () => {
    const file = envFile({ MAX_ATTEMPTS: '7', SHUTDOWN_TIMEOUT_MS: '1111', BATCH_SIZE: '3' });
    const { daemon } = await startOrderDaemon(
      () => undefined,
      ['--env-file', file, '--set', 'consumer.batchSize=4'],
      { env: { [`${PREFIX}SHUTDOWN_TIMEOUT_MS`]: '2222', [`${PREFIX}BATCH_SIZE`]: '5' } },
    );
    expect(daemon.running.container.get(ConsumerConfig)).toMatchObject({
      backoffMaxSeconds: 300, // default: set nowhere
      maxAttempts: 7, // .env only
      shutdownTimeoutMs: 2222, // the environment beats .env
      batchSize: 4, // the command line beats both
    });
  });

  it('a misspelt key in the file is refused, naming the file as the source', async () => {
    const file = envFile({ MAX_ATEMPTS: '7' });
    await expect(TestDaemon.start(new OrderDaemon(), { argv: ['--env-file', file] })).rejects.toThrow(
      `.env ${PREFIX}MAX_ATEMPTS is not a config key`,
    );
  });

  it.each(['--dotenv', '--env-file'])(
    'a file that %s names and does not exist stops the start with a config error naming it',
    async (flag) => {
      const error: unknown = await TestDaemon.start(new OrderDaemon(), {
        argv: [flag, '/no/such/daemon.env'],
      }).catch((caught: unknown) => caught);
      expect(SwitchyardError.isCode(error, ErrorCodes.CONFIG_INVALID)).toBe(true);
      expect((error as Error).message).toBe(`${flag} /no/such/daemon.env: no such file`);
    },
  );

  it('naming ./.env when it does not exist is refused too (only the unnamed default is optional)', async () => {
    expect(existsSync('.env')).toBe(false); // the test's working directory has none
    const error: unknown = await TestDaemon.start(new OrderDaemon(), { argv: ['--dotenv', '.env'] }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toBe('--dotenv .env: no such file');
  });

  it('--dotenv reads the file like --env-file', async () => {
    const file = envFile({ MAX_ATTEMPTS: '9' });
    const { daemon } = await startOrderDaemon(() => undefined, ['--dotenv', file]);
    expect(daemon.running.container.get(ConsumerConfig).maxAttempts).toBe(9);
  });
});
