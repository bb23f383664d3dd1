import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimpleConsumerDaemon } from '../../apps/simple/src/SimpleConsumerDaemon.js';
import { LocalIngest } from './ingest.js';
import { SendingDaemon } from './fixtures.js';

/** The README's Sentry config example: the `sh` block of `SIMPLE_CONSUMER__SENTRY__*` lines. */
function readmeSentryExample(): Record<string, string> {
  const readme = readFileSync(new URL('../../docs/sentry.md', import.meta.url), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map(([, body]) => body!)
    .find((body) => body.includes('SIMPLE_CONSUMER__SENTRY__ENABLED='));
  if (block === undefined) throw new Error('the README has no SIMPLE_CONSUMER__SENTRY__ example');
  const lines = block.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  return Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

let ingest: LocalIngest;
beforeAll(async () => (ingest = await LocalIngest.start()));
afterAll(() => ingest.close());

describe("the README's Sentry example on the simple example daemon", () => {
  it('starts with every key of the example and reports to Sentry as configured', async () => {
    const example = readmeSentryExample();
    expect(Object.keys(example)).toContain('SIMPLE_CONSUMER__SENTRY__CUSTOM_TAGS_MAPPING');
    // Only the DSN changes: the example's is a placeholder, this one points at the local ingest.
    const env = { ...example, SIMPLE_CONSUMER__SENTRY__DSN: ingest.dsn };
    const daemon = await SendingDaemon.start({ daemon: new SimpleConsumerDaemon(), env });
    // A negative timestamp fails validation: dead-lettered, so reported, with its opaque data decoded.
    const invalid = JSON.stringify({
      mediaType: 'application/vnd.switchyard.simple',
      opaqueData: { 'x-client': 'mobile-app', 'x-request-id': 'req-42' },
      message: 'hello',
      timestamp: -1,
    });
    const { id, outcome } = await daemon.sendRaw(invalid);
    expect(outcome.kind).toBe('dead-lettered');
    await daemon.stop();

    const [event, ...more] = ingest.events();
    expect(more).toEqual([]);
    expect(event!.environment).toBe(example.SIMPLE_CONSUMER__SENTRY__ENVIRONMENT);
    expect(event!.release).toBe(example.SIMPLE_CONSUMER__SENTRY__RELEASE);
    expect(event!.tags).toMatchObject({
      message_id: id,
      daemon: 'simple-consumer',
      transport: 'memory',
      queue: 'simple-consumer',
      outcome: 'dead-lettered',
      client: 'mobile-app', // CUSTOM_TAGS_MAPPING {"x-client":"client"}
    });
    expect(event!.user).toEqual({ id: 'req-42' }); // CUSTOM_USER_ID=x-request-id
  });
});
