import * as Sentry from '@sentry/node';
import { ContainerModule } from '@switchyard/core';
import { REDUCED_MESSAGE, SENTRY_OPTIONS } from '@switchyard/sentry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINDABLE, SECRETS } from '../../packages/sentry/test/support/secretCorpus.js';
import { LocalIngest } from './ingest.js';
import { SendingDaemon } from './fixtures.js';

let ingest: LocalIngest;
beforeAll(async () => (ingest = await LocalIngest.start()));
afterAll(() => ingest.close());

// The SDK normalises every event to plain data before beforeSend, unless `normalizeDepth` is 0 (a
// documented option, passed through SENTRY_OPTIONS): then whatever event processors leave in the
// event reaches the scrubber as it is.
const unnormalised = new ContainerModule(({ rebind }) => {
  rebind(SENTRY_OPTIONS).toConstantValue({ normalizeDepth: 0 });
});

describe('the safe minimum, through the real SDK', () => {
  it('sends an event the scrubber cannot read reduced: not raw, not lost', async () => {
    const daemon = await SendingDaemon.start({
      argv: [...SendingDaemon.ENABLED(ingest.dsn), '--set', 'consumer.maxAttempts=1'],
      modules: [unnormalised],
    });
    daemon.behaviour.run = () => {
      // An event processor (an integration's, say) whose field throws when read: the scrubber cannot
      // even list the event's fields, so it throws, and strictBeforeSend falls back.
      Sentry.getIsolationScope().addEventProcessor((event) =>
        Object.defineProperty(event, 'extra', {
          enumerable: true,
          get: () => {
            throw new Error(`cannot compute the extra of ${SECRETS.email}`);
          },
        }),
      );
      throw new TypeError(`declined for ${SECRETS.email}, card ${SECRETS.cardNumber}`);
    };
    const { id, outcome } = await daemon.send({ id: 'p-1' });
    expect(outcome.kind).toBe('dead-lettered');
    await daemon.stop();

    const [event, ...more] = ingest.events();
    expect(more).toEqual([]);
    expect(event!.message).toBe(REDUCED_MESSAGE);
    expect(event!.exception?.values).toEqual([{ type: 'TypeError' }]);
    expect(event!.tags).toMatchObject({ message_id: id, outcome: 'dead-lettered', daemon: 'payment-daemon' });
    expect(event).not.toHaveProperty('extra');
    for (const request of ingest.requests) {
      expect(FINDABLE.filter((secret) => request.body.includes(Buffer.from(secret)))).toEqual([]);
    }
  });
});
