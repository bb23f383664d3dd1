import type { MessageContext, Outcome } from '@switchyard/core';

/** The tags switchyard sets on events from a message: the one list `customTagsMapping` is checked against. */
export const TAG = {
  mediaType: 'media_type',
  messageId: 'message_id',
  handler: 'handler',
  transport: 'transport',
  source: 'source',
  queue: 'queue',
  topic: 'topic',
  attempt: 'attempt',
  requestId: 'request_id',
  outcome: 'outcome',
} as const;

/** Tags switchyard sets on every event from a message; `customTagsMapping` may not reuse them. */
export const MESSAGE_TAGS: readonly string[] = Object.values(TAG);
const OWN_TAGS: ReadonlySet<string> = new Set(MESSAGE_TAGS);

export interface TagMapping {
  /** Opaque-data key → tag name. */
  readonly customTagsMapping: Readonly<Record<string, string>>;
  /** Opaque-data key of `user.id`; empty: none. */
  readonly customUserId: string;
}

/**
 * Where the message came from, named as its transport names it: a queue (SQS, the in-memory bus)
 * or a topic (Kafka). `source` carries the same value under one name for every transport, so a
 * Sentry search can span transports; these let one filter by `queue:` or `topic:`.
 */
const SOURCE_TAG: Readonly<Record<string, 'queue' | 'topic'>> = {
  sqs: 'queue',
  memory: 'queue',
  kafka: 'topic',
};

/**
 * The tags for an event about this message, read when the event is captured (media type, handler
 * and opaque data are known only once the inner stages have decoded and dispatched it).
 */
export function messageTags(context: MessageContext, mapping: TagMapping): Record<string, string> {
  const { transportMessage, opaqueData } = context;
  const tags: Record<string, string> = {
    [TAG.messageId]: transportMessage.id,
    [TAG.transport]: context.transportName,
    [TAG.source]: transportMessage.source,
    [TAG.attempt]: String(transportMessage.attempt),
  };
  const sourceTag = SOURCE_TAG[context.transportName];
  if (sourceTag !== undefined) tags[TAG[sourceTag]] = transportMessage.source;
  if (context.mediaType !== undefined) tags[TAG.mediaType] = context.mediaType;
  if (context.handler !== undefined) tags[TAG.handler] = context.handler.name;
  const requestId = opaqueData['x-request-id'];
  if (requestId !== undefined) tags[TAG.requestId] = requestId;
  for (const [opaqueKey, tagName] of Object.entries(mapping.customTagsMapping)) {
    // The start-up check refuses these; never let a mapping overwrite a fact about the message.
    if (OWN_TAGS.has(tagName)) continue;
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
