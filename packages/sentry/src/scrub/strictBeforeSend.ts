import type { ErrorEvent, EventHint } from '@sentry/node';
import { safeMinimum } from './safeMinimum.js';
import { scrubEvent } from './scrubEvent.js';

/** The `beforeSend` the SDK is given; bind your own under `SENTRY_BEFORE_SEND` to replace it. */
export type SentryBeforeSend = (
  event: ErrorEvent,
  hint: EventHint,
) => PromiseLike<ErrorEvent | null> | ErrorEvent | null;

/**
 * The default `beforeSend`: strict and total. It never throws and never returns the event raw —
 * if scrubbing fails, a safe minimum goes instead, so the failure is still reported (the SDK would
 * drop the event if `beforeSend` threw).
 */
export const strictBeforeSend: SentryBeforeSend = (event) => {
  try {
    return scrubEvent(event);
  } catch {
    return safeMinimum(event);
  }
};
