import type { NodeOptions } from '@sentry/node';

type IntegrationList = Exclude<NonNullable<NodeOptions['integrations']>, (...args: never[]) => unknown>;
type Integration = IntegrationList[number];

/**
 * The SDK's integrations without Dedupe, then the user's (`SENTRY_OPTIONS.integrations`). Dedupe
 * drops an event that repeats the previous one, so a message that fails and is then dead-lettered
 * with the same error would lose its dead-letter report; here every reported outcome is an event.
 */
export function integrationsWithoutDedupe(
  userIntegrations: NodeOptions['integrations'],
): (defaults: Integration[]) => Integration[] {
  return (defaults) => {
    const kept = defaults.filter((integration) => integration.name !== 'Dedupe');
    if (userIntegrations === undefined) return kept;
    return typeof userIntegrations === 'function' ? userIntegrations(kept) : [...kept, ...userIntegrations];
  };
}
