import { describe, expect, it } from 'vitest';
import { Acknowledger } from '../src/daemon/runner/Acknowledger.js';
import { createLogger } from '../src/logging/createLogger.js';
import type { Outcome } from '../src/outcomes/Outcome.js';
import { MessageContext } from '../src/pipeline/MessageContext.js';
import type { DeadLetterResult, Transport, TransportMessage } from '../src/transport/Transport.js';

// A transport that records what it was told: pure logic, no broker involved.
function recordingTransport(deadLetter: () => Promise<DeadLetterResult | void>) {
  const calls: string[] = [];
  const reasons: string[] = [];
  const transport: Transport = {
    name: 'fake',
    receive: async () => [],
    ack: async () => void calls.push('ack'),
    nack: async (_message, delay) => void calls.push(`nack ${delay}`),
    extend: async () => undefined,
    deadLetter: async (_message, details) => {
      calls.push('dead-letter');
      reasons.push(details.reason);
      return deadLetter();
    },
    close: async () => undefined,
  };
  return { transport, calls, reasons };
}

const message: TransportMessage = { id: 'm-1', body: '{}', attributes: {}, attempt: 2, source: 'orders' };
const context = new MessageContext(
  message,
  'fake',
  createLogger('test', 'silent', 'json'),
  new AbortController().signal,
);
const deadLettered: Outcome = { kind: 'dead-lettered', reason: 'invalid message: bad' };
const backoff = { baseSeconds: 1, maxSeconds: 4 };

describe('Acknowledger', () => {
  it('a confirmed dead letter keeps its outcome', async () => {
    const { transport, calls } = recordingTransport(async () => undefined);
    expect(await new Acknowledger(transport, backoff).apply(message, deadLettered, context)).toBe(
      deadLettered,
    );
    expect(calls).toEqual(['dead-letter']);
  });

  it('a dead letter that could not be written is retried with backoff and counted as failed, not dead-lettered', async () => {
    const { transport, calls } = recordingTransport(async () => {
      throw new Error('MESSAGE_TOO_LARGE');
    });
    const applied = await new Acknowledger(transport, backoff).apply(message, deadLettered, context);
    expect(applied.kind).toBe('failed');
    expect(applied.reason).toMatch(
      /^could not dead-letter \(MESSAGE_TOO_LARGE\); retried in .* s: invalid message: bad$/,
    );
    expect(applied.delaySeconds).toBeGreaterThanOrEqual(0);
    expect(applied.delaySeconds).toBeLessThanOrEqual(2); // attempt 2: at most base · 2
    expect(calls).toEqual(['dead-letter', `nack ${applied.delaySeconds}`]);
  });

  it('a transport with nowhere to put it keeps the message: counted as failed, with why', async () => {
    const { transport, calls } = recordingTransport(async () => ({
      kind: 'kept',
      why: 'no dead-letter queue',
    }));
    const applied = await new Acknowledger(transport, backoff).apply(message, deadLettered, context);
    expect(applied).toMatchObject({
      kind: 'failed',
      reason: 'invalid message: bad; not dead-lettered: no dead-letter queue',
    });
    expect(calls).toEqual(['dead-letter']);
  });

  it('a bounded dead letter is dead-lettered, and says so', async () => {
    const { transport } = recordingTransport(async () => ({
      kind: 'bounded',
      why: 'body too large for the topic',
    }));
    const applied = await new Acknowledger(transport, backoff).apply(message, deadLettered, context);
    expect(applied).toMatchObject({ kind: 'dead-lettered' });
    expect(applied.reason).toContain('bounded dead letter: body too large for the topic');
  });

  it('hands the destination a bounded reason', async () => {
    const { transport, reasons } = recordingTransport(async () => undefined);
    const huge: Outcome = { kind: 'dead-lettered', reason: `invalid message: ${'x'.repeat(600_000)}` };
    await new Acknowledger(transport, backoff).apply(message, huge, context);
    expect(Buffer.byteLength(reasons[0]!)).toBeLessThanOrEqual(4096);
    expect(reasons[0]).toMatch(/bytes cut\)$/);
  });

  it('an ack that fails is logged, and the outcome stands (the transport delivers it again)', async () => {
    const { transport } = recordingTransport(async () => undefined);
    transport.ack = async () => {
      throw new Error('connection reset');
    };
    const succeeded: Outcome = { kind: 'succeeded' };
    expect(await new Acknowledger(transport, backoff).apply(message, succeeded, context)).toBe(succeeded);
  });
});
