import { ConsumerConfig, ContainerModule, TOKENS, type DaemonPlugin } from '@switchyard/core';
import { assertSentryConfig } from './checkSentryConfig.js';
import { strictBeforeSend } from './scrub/strictBeforeSend.js';
import { SentryConfig } from './SentryConfig.js';
import { SentryLifecycle } from './SentryLifecycle.js';
import { SentryMiddleware } from './SentryMiddleware.js';
import { SentryState } from './SentryState.js';
import { SENTRY_BEFORE_SEND, SENTRY_OPTIONS } from './tokens.js';

/**
 * Sentry error reporting for a daemon: list it in `plugins`. Adds the `sentry` config section, the
 * `sentry` middleware (one isolation scope per message) and a lifecycle hook that starts and
 * flushes the SDK.
 */
export const sentryPlugin: DaemonPlugin = {
  name: 'sentry',
  configSections: [SentryConfig],
  flags: [
    {
      flags: '--sentry-environment <name>',
      description: 'Sentry environment',
      configKey: 'sentry.environment',
    },
    { flags: '--sentry-release <version>', description: 'Sentry release', configKey: 'sentry.release' },
  ],
  module: (config) => {
    const sentry = config.get(SentryConfig);
    // Only an enabled Sentry can misreport; a disabled one must not stop a daemon from starting.
    if (sentry.enabled) assertSentryConfig(sentry, config.get(ConsumerConfig));
    return new ContainerModule(({ bind }) => {
      bind(SentryState).toSelf();
      bind(SENTRY_BEFORE_SEND).toConstantValue(strictBeforeSend);
      bind(SENTRY_OPTIONS).toConstantValue({});
      bind(TOKENS.Middleware).to(SentryMiddleware);
      bind(TOKENS.LifecycleHook).to(SentryLifecycle);
    });
  },
};
