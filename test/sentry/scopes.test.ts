import * as Sentry from '@sentry/node';
import { ContainerModule } from '@switchyard/core';
import { SENTRY_BEFORE_SEND, type SentryBeforeSend } from '@switchyard/sentry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS } from '../../packages/sentry/test/support/secretCorpus.js';
import { LocalIngest } from './ingest.js';
import { PaymentDaemon, SendingDaemon } from './fixtures.js';

let ingest: LocalIngest;
let daemon: SendingDaemon | undefined;
beforeAll(async () => (ingest = await LocalIngest.start()));
afterAll(() => ingest.close());
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  ingest.clear();
});

/** A promise with its resolve function, to make two handlers meet. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('per-message isolation scopes', () => {
  it('keeps tags, extra, user and breadcrumbs of concurrent messages apart, and out of the next message', async () => {
    daemon = await SendingDaemon.start({
      argv: SendingDaemon.ENABLED(ingest.dsn),
      env: {
        PAYMENT_DAEMON__CONSUMER__OPAQUE_DATA_KEYS: 'x-request-id,x-tenant',
        PAYMENT_DAEMON__SENTRY__CUSTOM_TAGS_MAPPING: '{"x-tenant": "tenant"}',
      },
    });
    const started = { a: signal(), b: signal() };
    daemon.behaviour.run = async (payment) => {
      if (payment.id === 'c') throw new Error('c failed');
      const self = payment.id as 'a' | 'b';
      Sentry.setTag('step', self);
      Sentry.setExtra(`only-${self}`, true);
      Sentry.setUser({ id: `user-${self}` });
      Sentry.addBreadcrumb({ message: `breadcrumb of ${self}` });
      // Both handlers have set their scope before either fails: any sharing would show.
      started[self].resolve();
      await started[self === 'a' ? 'b' : 'a'].promise;
      throw new Error(`${self} failed`);
    };
    const [a, b] = await Promise.all([
      daemon.send({ id: 'a' }, { 'x-tenant': 'tenant-a' }),
      daemon.send({ id: 'b' }, { 'x-tenant': 'tenant-b' }),
    ]);
    // Outside any message (the daemon's own context): must not reach a message's event either.
    Sentry.addBreadcrumb({ message: 'outside any message' });
    const c = await daemon.send({ id: 'c' });
    await daemon.stop();
    const byError = new Map(ingest.events().map((event) => [event.exception?.values?.[0]?.value, event]));
    expect([...byError.keys()].sort()).toEqual(['a failed', 'b failed', 'c failed']);
    for (const [self, sent] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const event = byError.get(`${self} failed`)!;
      expect(event.tags).toMatchObject({ step: self, tenant: `tenant-${self}`, message_id: sent.id });
      expect(event.extra).toEqual({ [`only-${self}`]: true });
      expect(event.user).toEqual({ id: `user-${self}` });
      expect(event.breadcrumbs?.map((crumb) => crumb.message)).toEqual([`breadcrumb of ${self}`]);
    }
    const later = byError.get('c failed')!;
    expect(later.tags?.message_id).toBe(c.id);
    expect(later.tags).not.toHaveProperty('step');
    expect(later.tags).not.toHaveProperty('tenant');
    expect(later).not.toHaveProperty('extra');
    expect(later).not.toHaveProperty('user');
    expect(later.breadcrumbs ?? []).toEqual([]);
  });
});

describe('events a handler captures itself', () => {
  it('carry the message tags too', async () => {
    daemon = await SendingDaemon.start({ argv: SendingDaemon.ENABLED(ingest.dsn) });
    daemon.behaviour.run = () => {
      Sentry.captureMessage('suspicious amount');
    };
    const { id, outcome } = await daemon.send({ id: 'p-0' });
    expect(outcome.kind).toBe('succeeded');
    await daemon.stop();
    const [event] = ingest.events();
    expect(event!.message).toBe('suspicious amount');
    expect(event!.tags).toMatchObject({
      message_id: id,
      media_type: 'application/vnd.test.payment',
      handler: 'PaymentHandler',
    });
  });
});

describe('overriding beforeSend', () => {
  it('a beforeSend bound under SENTRY_BEFORE_SEND replaces the default scrubber', async () => {
    const keepEverything: SentryBeforeSend = (event) => ({
      ...event,
      tags: { ...event.tags, scrubbed_by: 'mine' },
    });
    // As the README shows: a module of the daemon's own.
    class KeepingDaemon extends PaymentDaemon {
      override readonly modules = [
        new ContainerModule(({ rebind }) => {
          rebind(SENTRY_BEFORE_SEND).toConstantValue(keepEverything);
        }),
      ];
    }
    daemon = await SendingDaemon.start({
      argv: SendingDaemon.ENABLED(ingest.dsn),
      daemon: new KeepingDaemon(),
    });
    daemon.behaviour.run = () => {
      throw new Error(`declined for ${SECRETS.email}`);
    };
    await daemon.send({ id: 'p-1' });
    await daemon.stop();
    const [event] = ingest.events();
    expect(event!.tags?.scrubbed_by).toBe('mine');
    // The default would have redacted the address: it did not run.
    expect(event!.exception?.values?.[0]?.value).toBe(`declined for ${SECRETS.email}`);
  });

  it('the default scrubber runs when nothing is rebound', async () => {
    daemon = await SendingDaemon.start({ argv: SendingDaemon.ENABLED(ingest.dsn) });
    daemon.behaviour.run = () => {
      throw new Error(`declined for ${SECRETS.email}`);
    };
    await daemon.send({ id: 'p-2' });
    await daemon.stop();
    const [event] = ingest.events();
    expect(event!.exception?.values?.[0]?.value).toBe('declined for [redacted]');
  });
});
