import type { Event } from '@sentry/node';
import { Nack } from '@switchyard/core';
import { TestDaemon } from '@switchyard/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalIngest } from './ingest.js';
import { PaymentBehaviour, PaymentDaemon, SendingDaemon } from './fixtures.js';

let ingest: LocalIngest;
let daemon: SendingDaemon | undefined;
beforeAll(async () => (ingest = await LocalIngest.start()));
afterAll(() => ingest.close());
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  ingest.clear();
});

/** Starts a daemon that reports to the local ingest; extra flags after the DSN. */
async function reportingDaemon(...argv: string[]): Promise<SendingDaemon> {
  daemon = await SendingDaemon.start({ argv: [...SendingDaemon.ENABLED(ingest.dsn), ...argv] });
  return daemon;
}

/** Stopping closes the SDK, which sends everything pending: after this the ingest has it all. */
async function stopAndReadEvents(): Promise<Event[]> {
  await daemon?.stop();
  return ingest.events();
}

describe('Sentry reporting through the real SDK', () => {
  it('reports a failed message with its error and tags; its successful retry is not reported', async () => {
    const sentry = await reportingDaemon();
    sentry.behaviour.run = (_payment, context) => {
      if (context.attempt === 1) throw new TypeError('ledger unavailable');
    };
    const { id, outcome } = await sentry.send({ id: 'p-1' }, { 'x-request-id': 'req-1' });
    expect(outcome.kind).toBe('succeeded');
    const events = await stopAndReadEvents();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event!.exception?.values?.[0]).toMatchObject({ type: 'TypeError', value: 'ledger unavailable' });
    expect(event!.level).toBe('error');
    expect(event!.tags).toEqual({
      media_type: 'application/vnd.test.payment',
      message_id: id,
      handler: 'PaymentHandler',
      transport: 'memory',
      source: 'payment-daemon',
      queue: 'payment-daemon',
      attempt: '1',
      request_id: 'req-1',
      outcome: 'failed',
      daemon: 'payment-daemon',
    });
    expect(event!.contexts?.outcome).toMatchObject({ kind: 'failed', reason: 'ledger unavailable' });
  });

  it('reports every failed attempt and the dead-letter with the same error (no deduplication)', async () => {
    const sentry = await reportingDaemon('--set', 'consumer.maxAttempts=2');
    sentry.behaviour.run = () => {
      throw new Error('ledger unavailable');
    };
    expect((await sentry.send({ id: 'p-2' })).outcome.kind).toBe('dead-lettered');
    // The SDK sends events over concurrent requests, so they may reach the ingest in any order.
    const events = (await stopAndReadEvents()).sort((a, b) =>
      String(a.tags?.attempt).localeCompare(String(b.tags?.attempt)),
    );
    expect(events.map((event) => [event.tags?.outcome, event.tags?.attempt])).toEqual([
      ['failed', '1'],
      ['dead-lettered', '2'],
    ]);
  });

  it('reports an invalid message that is dead-lettered at once, with the reason', async () => {
    const sentry = await reportingDaemon();
    expect((await sentry.send('{"mediaType": "application/vnd.test.payment", "id": 7}')).outcome.kind).toBe(
      'dead-lettered',
    );
    const [event] = await stopAndReadEvents();
    expect(event!.tags).toMatchObject({
      outcome: 'dead-lettered',
      media_type: 'application/vnd.test.payment',
    });
    expect(event!.contexts?.outcome?.reason).toMatch(/^invalid message: /);
  });

  it('does not report a Nack retry that later succeeds, unless sentry.reportRetries is set', async () => {
    const nackOnce: PaymentBehaviour['run'] = (_payment, context) => {
      if (context.attempt === 1) throw new Nack(0, 'ledger busy');
    };
    const quiet = await reportingDaemon();
    quiet.behaviour.run = nackOnce;
    expect((await quiet.send({ id: 'p-3' })).outcome.kind).toBe('succeeded');
    expect(await stopAndReadEvents()).toEqual([]);

    const loud = await reportingDaemon('--set', 'sentry.reportRetries=true');
    loud.behaviour.run = nackOnce;
    expect((await loud.send({ id: 'p-4' })).outcome.kind).toBe('succeeded');
    const events = await stopAndReadEvents();
    expect(events.map((event) => [event.tags?.outcome, event.level])).toEqual([['retried', 'warning']]);
  });

  it('maps opaque data to tags and user.id as configured in the environment', async () => {
    daemon = await SendingDaemon.start({
      argv: SendingDaemon.ENABLED(ingest.dsn),
      env: {
        PAYMENT_DAEMON__CONSUMER__OPAQUE_DATA_KEYS: 'x-request-id,x-tenant,x-user',
        PAYMENT_DAEMON__SENTRY__CUSTOM_TAGS_MAPPING: '{"x-tenant": "tenant"}',
        PAYMENT_DAEMON__SENTRY__CUSTOM_USER_ID: 'x-user',
      },
    });
    daemon.behaviour.run = () => {
      throw new Error('declined');
    };
    await daemon.send({ id: 'p-5' }, { 'x-tenant': 'acme', 'x-user': 'u-42' });
    const [event] = await stopAndReadEvents();
    expect(event!.tags?.tenant).toBe('acme');
    expect(event!.user).toEqual({ id: 'u-42' });
  });

  it('sends the configured environment and release with every event', async () => {
    const sentry = await reportingDaemon(
      '--sentry-environment',
      'staging',
      '--sentry-release',
      'payments@1.4.2',
    );
    sentry.behaviour.run = () => {
      throw new Error('declined');
    };
    await sentry.send({ id: 'p-7' });
    const [event] = await stopAndReadEvents();
    expect(event).toMatchObject({ environment: 'staging', release: 'payments@1.4.2' });
  });

  it('samples by sentry.sampleRate: 0 sends no event, 1 sends every one', async () => {
    const failThree = async (sampleRate: string): Promise<Event[]> => {
      const rate = `sentry.sampleRate=${sampleRate}`;
      const sentry = await reportingDaemon('--set', rate, '--set', 'consumer.maxAttempts=1');
      sentry.behaviour.run = () => {
        throw new Error('declined');
      };
      for (const id of ['s-1', 's-2', 's-3']) await sentry.send({ id });
      return stopAndReadEvents();
    };
    expect(await failThree('0')).toEqual([]);
    // The control: the same failures with the rate at 1 all arrive.
    expect(await failThree('1')).toHaveLength(3);
  });

  it('sends nothing with --testing, even when enabled with a DSN', async () => {
    const testing = await TestDaemon.start(new PaymentDaemon(), { argv: SendingDaemon.ENABLED(ingest.dsn) });
    testing.running.container.get(PaymentBehaviour).run = () => {
      throw new Error('declined');
    };
    expect(await testing.sendRawAndWait('{"mediaType": "application/vnd.test.payment"}')).toMatchObject({
      kind: 'dead-lettered',
    });
    await testing.stop();
    expect(ingest.requests).toEqual([]);
  });

  it('sends nothing by default (sentry.enabled is false)', async () => {
    daemon = await SendingDaemon.start({ argv: ['--set', `sentry.dsn=${ingest.dsn}`] });
    daemon.behaviour.run = () => {
      throw new Error('declined');
    };
    await daemon.send({ id: 'p-6' });
    await daemon.stop();
    expect(ingest.requests).toEqual([]);
  });
});
