import { ErrorCodes, SwitchyardError, type ConsumerConfig } from '@switchyard/core';
import { MESSAGE_TAGS } from './messageTags.js';
import type { SentryConfig } from './SentryConfig.js';

/** Sentry's limits on tag keys: 32 characters of letters, digits, `_`, `.`, `:` and `-`. */
const TAG_NAME = /^[a-zA-Z0-9_.:-]{1,32}$/;

/**
 * What field validation cannot see: a mapping that could never fire (its opaque key is not
 * allow-listed, so the daemon drops it on decode), a tag name Sentry rejects, or one of ours.
 * Returns every problem, so the start-up error lists them all.
 */
export function sentryConfigProblems(sentry: SentryConfig, consumer: ConsumerConfig): string[] {
  const problems: string[] = [];
  const allowed = new Set(consumer.opaqueDataKeys);
  const notAllowed = (key: string, setting: string): string =>
    `${setting}: opaque-data key "${key}" is not in consumer.opaqueDataKeys (${consumer.opaqueDataKeys.join(', ')}), so it never reaches the daemon`;
  for (const [opaqueKey, tagName] of Object.entries(sentry.customTagsMapping)) {
    const setting = `sentry.customTagsMapping["${opaqueKey}"]`;
    if (typeof tagName !== 'string' || !TAG_NAME.test(tagName)) {
      problems.push(`${setting}: the tag name must be 1–32 letters, digits, _ . : or -`);
    } else if (MESSAGE_TAGS.includes(tagName)) {
      problems.push(`${setting}: "${tagName}" is a tag switchyard sets itself`);
    }
    if (!allowed.has(opaqueKey)) problems.push(notAllowed(opaqueKey, setting));
  }
  if (sentry.customUserId !== '' && !allowed.has(sentry.customUserId)) {
    problems.push(notAllowed(sentry.customUserId, 'sentry.customUserId'));
  }
  return problems;
}

export function assertSentryConfig(sentry: SentryConfig, consumer: ConsumerConfig): void {
  const problems = sentryConfigProblems(sentry, consumer);
  if (problems.length > 0) {
    throw new SwitchyardError(ErrorCodes.CONFIG_INVALID, `invalid config: ${problems.join(' | ')}`);
  }
}
