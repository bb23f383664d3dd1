import { injectable } from '@switchyard/core';

/**
 * Whether this daemon initialised the SDK. The lifecycle hook sets it; the middleware reads it, so
 * a disabled or `--testing` daemon does no Sentry work per message at all.
 */
@injectable()
export class SentryState {
  reporting = false;
}
