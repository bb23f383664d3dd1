import type { MessageContext, Outcome } from '@switchyard/core';

/** Tags switchyard sets on every event from a message; `customTagsMapping` may not reuse them. */
export const MESSAGE_TAGS = [
  'media_type',
  'message_id',
  'handler',
  'transport',
  'source',
  'attempt',
  'request_id',
] as const;

export interface TagMapping {
  /** Opaque-data key → tag name. */
  readonly customTagsMapping: Readonly<Record<string, string>>;
  /** Opaque-data key of `user.id`; empty: none. */
  readonly customUserId: string;
}

/**
 * The tags for an event about this message, read when the event is captured (media type, handler
 * and opaque data are known only once the inner stages have decoded and dispatched it).
 */
export function messageTags(context: MessageContext, mapping: TagMapping): Record<string, string> {
  const { transportMessage, opaqueData } = context;
  const tags: Record<string, string> = {
    message_id: transportMessage.id,
    transport: context.transportName,
    source: transportMessage.source,
    attempt: String(transportMessage.attempt),
  };
  if (context.mediaType !== undefined) tags.media_type = context.mediaType;
  if (context.handler !== undefined) tags.handler = context.handler.name;
  const requestId = opaqueData['x-request-id'];
  if (requestId !== undefined) tags.request_id = requestId;
  for (const [opaqueKey, tagName] of Object.entries(mapping.customTagsMapping)) {
    const value = opaqueData[opaqueKey];
    if (value !== undefined) tags[tagName] = value;
  }
  return tags;
}

/** `{ id }` from the opaque data, or undefined when not configured or not present. */
export function messageUser(context: MessageContext, mapping: TagMapping): { id: string } | undefined {
  if (mapping.customUserId === '') return undefined;
  const id = context.opaqueData[mapping.customUserId];
  return id === undefined ? undefined : { id };
}

/** The outcome as an event context: what happened and why, scrubbed like every context. */
export function outcomeContext(outcome: Outcome): Record<string, unknown> {
  return { kind: outcome.kind, reason: outcome.reason, delaySeconds: outcome.delaySeconds };
}
