import { TestDaemon } from '@switchyard/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SentryConfig } from '../src/index.js';
import { NoteDaemon } from './support/fixtures.js';

const DSN = 'https://publickey@o1.ingest.sentry.io/42';

let daemon: TestDaemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

async function sentryConfig(env: Record<string, string>, argv: string[] = []): Promise<SentryConfig> {
  daemon = await TestDaemon.start(new NoteDaemon(), { env, argv });
  return daemon.running.container.get(SentryConfig);
}

describe('sentry config', () => {
  it('is disabled by default', async () => {
    expect(await sentryConfig({})).toMatchObject({
      enabled: false,
      dsn: '',
      environment: '',
      release: '',
      sampleRate: 1,
      reportRetries: false,
      customTagsMapping: {},
      customUserId: '',
    });
  });

  it('reads every key from <DAEMON>__SENTRY__<KEY>, the mapping as JSON', async () => {
    const config = await sentryConfig({
      NOTE_DAEMON__CONSUMER__OPAQUE_DATA_KEYS: 'x-request-id,x-tenant,x-user',
      NOTE_DAEMON__SENTRY__ENABLED: 'true',
      NOTE_DAEMON__SENTRY__DSN: DSN,
      NOTE_DAEMON__SENTRY__ENVIRONMENT: 'staging',
      NOTE_DAEMON__SENTRY__RELEASE: '1.4.2',
      NOTE_DAEMON__SENTRY__SAMPLE_RATE: '0.25',
      NOTE_DAEMON__SENTRY__REPORT_RETRIES: 'yes',
      NOTE_DAEMON__SENTRY__CUSTOM_TAGS_MAPPING: '{"x-tenant": "tenant"}',
      NOTE_DAEMON__SENTRY__CUSTOM_USER_ID: 'x-user',
    });
    expect(config).toMatchObject({
      enabled: true,
      dsn: DSN,
      environment: 'staging',
      release: '1.4.2',
      sampleRate: 0.25,
      reportRetries: true,
      customTagsMapping: { 'x-tenant': 'tenant' },
      customUserId: 'x-user',
    });
  });

  it('takes the environment and release from flags', async () => {
    expect(
      await sentryConfig({}, ['--sentry-environment', 'prod', '--sentry-release', 'abc123']),
    ).toMatchObject({
      environment: 'prod',
      release: 'abc123',
    });
  });

  it('refuses to start when enabled without a DSN, naming sentry.dsn', async () => {
    await expect(sentryConfig({ NOTE_DAEMON__SENTRY__ENABLED: 'true' })).rejects.toThrow(
      /sentry\.dsn is required when sentry\.enabled is true; set NOTE_DAEMON__SENTRY__DSN/,
    );
  });

  it('refuses a DSN that is not one, without echoing it', async () => {
    const start = sentryConfig({
      NOTE_DAEMON__SENTRY__ENABLED: 'true',
      NOTE_DAEMON__SENTRY__DSN: 'not-a-dsn-s3cret',
    });
    await expect(start).rejects.toThrow(/sentry\.dsn = \[redacted\]: sentry\.dsn must look like/);
    await expect(start).rejects.not.toThrow(/s3cret/);
  });

  it('refuses a mapping that is not a JSON object, and a sample rate above 1', async () => {
    const start = sentryConfig({
      NOTE_DAEMON__SENTRY__CUSTOM_TAGS_MAPPING: '["x"]',
      NOTE_DAEMON__SENTRY__SAMPLE_RATE: '2',
    });
    await expect(start).rejects.toThrow(
      /sentry\.customTagsMapping = "\["x"\]" from environment .*: expected a JSON object/,
    );
    await expect(start).rejects.toThrow(/sentry\.sampleRate = 2: sampleRate must not be greater than 1/);
  });

  it('refuses, when enabled, a mapping whose opaque key the daemon never keeps, or that takes one of our tags', async () => {
    const start = sentryConfig({
      NOTE_DAEMON__SENTRY__ENABLED: 'true',
      NOTE_DAEMON__SENTRY__DSN: DSN,
      NOTE_DAEMON__SENTRY__CUSTOM_TAGS_MAPPING: '{"x-tenant": "tenant", "x-request-id": "message_id"}',
      NOTE_DAEMON__SENTRY__CUSTOM_USER_ID: 'x-user',
    });
    await expect(start).rejects.toThrow(
      /sentry\.customTagsMapping\["x-tenant"\]: opaque-data key "x-tenant" is not in consumer\.opaqueDataKeys/,
    );
    await expect(start).rejects.toThrow(/"message_id" is a tag switchyard sets itself/);
    await expect(start).rejects.toThrow(
      /sentry\.customUserId: opaque-data key "x-user" is not in consumer\.opaqueDataKeys/,
    );
  });

  it.each(['outcome', 'media_type', 'handler', 'attempt'])(
    'refuses a mapping to "%s", a tag switchyard sets on every event (it would overwrite the real value)',
    async (tag) => {
      const start = sentryConfig({
        NOTE_DAEMON__SENTRY__ENABLED: 'true',
        NOTE_DAEMON__SENTRY__DSN: DSN,
        NOTE_DAEMON__SENTRY__CUSTOM_TAGS_MAPPING: `{"x-request-id": "${tag}"}`,
      });
      await expect(start).rejects.toThrow(`"${tag}" is a tag switchyard sets itself`);
    },
  );

  it('does not check the mapping of a disabled Sentry', async () => {
    expect(
      await sentryConfig({ NOTE_DAEMON__SENTRY__CUSTOM_TAGS_MAPPING: '{"x-tenant": "tenant"}' }),
    ).toMatchObject({
      customTagsMapping: { 'x-tenant': 'tenant' },
    });
  });

  it('rejects a misspelt key', async () => {
    await expect(sentryConfig({ NOTE_DAEMON__SENTRY__DNS: DSN })).rejects.toThrow(
      /NOTE_DAEMON__SENTRY__DNS is not a config key/,
    );
  });
});
