/**
 * Graph identifiers of this package. Rebind them in a module listed in the daemon's `modules`:
 *
 *   new ContainerModule(({ rebind }) => { rebind(SENTRY_BEFORE_SEND).toConstantValue(myBeforeSend); })
 */

/** The `beforeSend` given to the SDK (`SentryBeforeSend`); default `strictBeforeSend`. */
export const SENTRY_BEFORE_SEND = Symbol.for('switchyard.sentry.beforeSend');

/** More `@sentry/node` init options (integrations, …); config keys and `beforeSend` win over them. */
export const SENTRY_OPTIONS = Symbol.for('switchyard.sentry.options');
