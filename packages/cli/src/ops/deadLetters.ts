import { matchesMediaType, type ReplayFilter } from '@switchyard/core';
import { mediaTypeOf } from './mediaType.js';

/** A message as the commands show it, from either transport (their ops records have this shape). */
export interface ShownMessage {
  readonly id: string;
  readonly key?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | null;
  readonly timestamp?: number;
  readonly location: string;
}

/** A dead letter from either transport. */
export interface DeadLetter extends ShownMessage {
  readonly reason?: string;
  readonly source?: string;
  readonly attempts?: number;
  readonly bounded?: string;
  /** SQS: the queue whose redrive policy moved it (DeadLetterQueueSourceArn). */
  readonly movedBySqs?: string;
}

/** Why it is dead-lettered: `x-dead-letter-reason`, or what is known when it has none. */
export function reasonOf(record: DeadLetter): string {
  if (record.reason !== undefined && record.reason !== '') return record.reason;
  if (record.movedBySqs !== undefined)
    return `moved by SQS: more receives than the redrive policy's maxReceiveCount (no x-dead-letter-reason)`;
  return '(no x-dead-letter-reason)';
}

export interface DeadLetterGroup {
  readonly reason: string;
  readonly mediaType: string | null;
  readonly source: string | null;
  count: number;
  oldest: number | null;
  newest: number | null;
}

/** Dead letters grouped by reason, media type and source; the largest group first. */
export function groupDeadLetters(records: readonly DeadLetter[]): DeadLetterGroup[] {
  const groups = new Map<string, DeadLetterGroup>();
  for (const record of records) {
    const reason = reasonOf(record);
    const mediaType = mediaTypeOf(record.attributes, record.body) ?? null;
    const source = record.source ?? record.movedBySqs ?? null;
    const key = JSON.stringify([reason, mediaType, source]);
    let group = groups.get(key);
    if (group === undefined) {
      group = { reason, mediaType, source, count: 0, oldest: null, newest: null };
      groups.set(key, group);
    }
    group.count += 1;
    if (record.timestamp !== undefined) {
      group.oldest = Math.min(group.oldest ?? record.timestamp, record.timestamp);
      group.newest = Math.max(group.newest ?? record.timestamp, record.timestamp);
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || (a.oldest ?? 0) - (b.oldest ?? 0));
}

/** Core's replay filter: `reason` a case-insensitive substring; here `mediaType` may also be a pattern ending in `*`. */
export type DeadLetterFilter = Pick<ReplayFilter, 'reason' | 'mediaType'>;

export function selects(filter: DeadLetterFilter): (record: DeadLetter) => boolean {
  const reason = filter.reason?.toLowerCase();
  return (record) => {
    if (reason !== undefined && !reasonOf(record).toLowerCase().includes(reason)) return false;
    if (filter.mediaType === undefined) return true;
    const mediaType = mediaTypeOf(record.attributes, record.body);
    return mediaType !== undefined && matchesMediaType(filter.mediaType, mediaType);
  };
}
