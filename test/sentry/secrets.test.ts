import * as Sentry from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FINDABLE,
  objectWithEverySecret,
  SECRETS,
  textWithEverySecret,
} from '../../packages/sentry/test/support/secretCorpus.js';
import { LocalIngest } from './ingest.js';
import { SendingDaemon, type Payment } from './fixtures.js';

let ingest: LocalIngest;
beforeAll(async () => (ingest = await LocalIngest.start()));
afterAll(() => ingest.close());

/**
 * The SDK captures local variables from a worker thread attached through the inspector, which it
 * starts without telling anyone when it is ready. Throw probes until one comes back with variables.
 */
async function untilLocalVariablesAreCaptured(): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const probe = new Error('probe');
    try {
      throw probe;
    } catch {
      if ('__SENTRY_ERROR_LOCAL_VARIABLES__' in probe) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the SDK never started capturing local variables');
}

/** The handler puts every secret where Sentry picks data up, then fails. */
function leakEverything(payment: Payment): never {
  const password = SECRETS.password;
  const card = SECRETS.cardNumber;
  const everything = objectWithEverySecret();
  Sentry.addBreadcrumb({ category: 'payment', message: textWithEverySecret(), data: everything });
  Sentry.setExtra('payload', everything);
  Sentry.setContext('customer', { email: SECRETS.email, note: payment.note });
  Sentry.setTag('customer_email', SECRETS.email);
  Sentry.setTag('note', `token=${SECRETS.apiKey}`);
  throw new Error(`declined: ${textWithEverySecret()} (${password.length}, ${card.length})`);
}

describe('the default beforeSend against the real SDK', () => {
  it('lets none of the secret corpus reach the ingest, from any place in an event', async () => {
    const daemon = await SendingDaemon.start({
      argv: [
        ...SendingDaemon.ENABLED(ingest.dsn),
        '--set',
        'sentry.includeLocalVariables=true',
        '--set',
        'consumer.maxAttempts=1',
      ],
    });
    // Called, not assigned: the SDK matches a frame's variables to it by function name.
    daemon.behaviour.run = (payment) => leakEverything(payment);
    await untilLocalVariablesAreCaptured();
    const body = { id: 'p-1', note: textWithEverySecret() };
    expect((await daemon.send(body, { 'x-request-id': SECRETS.email })).outcome.kind).toBe('dead-lettered');
    // An unparseable body: the parser's error message quotes the start of it (a cut-off address).
    const unparseable = `${SECRETS.email} ${SECRETS.jwt}`;
    expect((await daemon.send(unparseable)).outcome.kind).toBe('dead-lettered');
    await daemon.stop();

    // The events arrived, with every place a secret was put in — scrubbed, not missing.
    const events = ingest.events();
    expect(events).toHaveLength(2);
    const invalid = events.find((event) =>
      String(event.contexts?.outcome?.reason).startsWith('invalid message'),
    )!;
    const handled = events.find((event) => event !== invalid)!;
    const exception = handled.exception!.values![0]!;
    const handlerFrame = exception.stacktrace!.frames!.find((frame) => frame.function === 'leakEverything');
    expect(handlerFrame?.vars).toMatchObject({ password: '[redacted]', card: '[redacted]' });
    expect(exception.value).toContain('[redacted]');
    expect(handled.breadcrumbs!.find((crumb) => crumb.category === 'payment')!.data!.note).toContain(
      '[redacted]',
    );
    expect(handled.extra!.payload).toMatchObject({ password: '[redacted]' });
    expect(handled.contexts!.customer!.email).toBe('[redacted]');
    expect(handled.tags).toMatchObject({ customer_email: '[redacted]', request_id: '[redacted]' });
    expect(handled.tags!.media_type).toBe('application/vnd.test.payment');
    // The reason says where the body stops being JSON, never what it says (issue 12): nothing of
    // the body is left for the scrubber to catch.
    expect(invalid.contexts!.outcome!.reason).toBe('invalid message: body is not JSON (at position 0)');

    // And not one byte of a secret anywhere: compressed or not, in any request.
    expect(ingest.requests.length).toBeGreaterThan(0);
    for (const request of ingest.requests) {
      for (const bytes of [request.raw, request.body]) {
        const leaked = FINDABLE.filter((secret) => bytes.includes(Buffer.from(secret)));
        expect(leaked).toEqual([]);
      }
    }
  });
});
