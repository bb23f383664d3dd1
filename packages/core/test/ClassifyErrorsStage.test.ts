import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCodes } from '../src/errors/codes.js';
import { SwitchyardError } from '../src/errors/SwitchyardError.js';
import type { Outcome } from '../src/outcomes/Outcome.js';
import { Nack, RejectMessage, SkipMessage } from '../src/outcomes/signals.js';
import type { MessageContext } from '../src/pipeline/MessageContext.js';
import { ClassifyErrorsStage, describeError } from '../src/pipeline/stages/ClassifyErrorsStage.js';

const stage = new ClassifyErrorsStage(3, { baseSeconds: 1, maxSeconds: 300 });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ClassifyErrorsStage.classify', () => {
  it('SkipMessage → skipped, with its reason', () => {
    const error = new SkipMessage('not for us');
    expect(stage.classify(1, error)).toEqual({ kind: 'skipped', reason: 'not for us', error });
  });

  it('RejectMessage → dead-lettered at once, with its reason', () => {
    const error = new RejectMessage('order is from the future');
    expect(stage.classify(1, error)).toEqual({
      kind: 'dead-lettered',
      reason: 'rejected: order is from the future',
      error,
    });
  });

  it('Nack(delay) → retried with that delay', () => {
    const error = new Nack(12.5, 'not yet');
    expect(stage.classify(1, error)).toEqual({
      kind: 'retried',
      reason: 'not yet',
      delaySeconds: 12.5,
      error,
    });
  });

  it('Nack(0) → retried at once', () => {
    expect(stage.classify(2, new Nack(0))).toMatchObject({ kind: 'retried', delaySeconds: 0 });
  });

  it('another error → failed, with a jittered backoff delay for this attempt', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const error = new Error('database is down');
    // attempt 2: ceiling 1 · 2^1 = 2 seconds, half of it with random() = 0.5
    expect(stage.classify(2, error)).toEqual({
      kind: 'failed',
      reason: 'database is down',
      delaySeconds: 1,
      error,
    });
  });

  it('the failed delay stays within the backoff ceiling', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    expect(stage.classify(1, new Error('x')).delaySeconds).toBeLessThanOrEqual(1);
    expect(stage.classify(2, new Error('x')).delaySeconds).toBeLessThanOrEqual(2);
  });

  it('a thrown non-Error → failed, with its text as the reason', () => {
    expect(stage.classify(1, 'plain string')).toMatchObject({ kind: 'failed', reason: 'plain string' });
  });

  it('an error on the last attempt → dead-lettered, naming the attempts', () => {
    const error = new Error('always broken');
    expect(stage.classify(3, error)).toEqual({
      kind: 'dead-lettered',
      reason: 'gave up after 3 attempts: always broken',
      error,
    });
  });

  it('a Nack on the last attempt → dead-lettered', () => {
    expect(stage.classify(3, new Nack(5, 'not yet'))).toMatchObject({
      kind: 'dead-lettered',
      reason: 'gave up after 3 attempts: not yet',
    });
  });

  it('attempts beyond the maximum → dead-lettered', () => {
    expect(stage.classify(7, new Error('x')).kind).toBe('dead-lettered');
  });

  it('SkipMessage on the last attempt is still skipped', () => {
    expect(stage.classify(3, new SkipMessage('late')).kind).toBe('skipped');
  });

  it.each([ErrorCodes.MESSAGE_INVALID, ErrorCodes.MESSAGE_TOO_LARGE, ErrorCodes.MEDIA_TYPE_UNKNOWN])(
    'a SwitchyardError %s → dead-lettered on the first attempt as an invalid message',
    (code) => {
      const error = new SwitchyardError(code, 'bad body');
      expect(stage.classify(1, error)).toEqual({
        kind: 'dead-lettered',
        reason: 'invalid message: bad body',
        error,
      });
    },
  );

  it('other SwitchyardErrors are retried like any failure', () => {
    expect(stage.classify(1, new SwitchyardError(ErrorCodes.HANDLER_TIMEOUT, 'too slow')).kind).toBe(
      'failed',
    );
  });
});

describe('ClassifyErrorsStage.handle', () => {
  const context = (attempt: number, aborted = false): MessageContext => {
    const controller = new AbortController();
    if (aborted) controller.abort();
    return { attempt, signal: controller.signal } as unknown as MessageContext;
  };

  it('passes the inner outcome through', async () => {
    const outcome: Outcome = { kind: 'succeeded' };
    expect(await stage.handle(context(1), () => Promise.resolve(outcome))).toBe(outcome);
  });

  it('classifies what the inner steps throw, using the delivery attempt', async () => {
    const error = new Error('boom');
    expect(await stage.handle(context(3), () => Promise.reject(error))).toMatchObject({
      kind: 'dead-lettered',
      error,
    });
  });

  it('an error after the signal was aborted (shutdown) → retried at once, spending no attempt', async () => {
    const error = new Error('aborted');
    expect(await stage.handle(context(3, true), () => Promise.reject(error))).toEqual({
      kind: 'retried',
      reason: 'released at shutdown',
      delaySeconds: 0,
      error,
    });
  });
});

describe('describeError', () => {
  it('is the message of an Error, or its name when the message is empty', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError(new TypeError())).toBe('TypeError');
  });

  it('is the text of anything else', () => {
    expect(describeError(42)).toBe('42');
    expect(describeError(undefined)).toBe('undefined');
  });
});

describe('Nack', () => {
  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses the delay %s', (delay) => {
    expect(() => new Nack(delay)).toThrow(RangeError);
  });
});
