import type { Admin } from 'kafkajs';
import { wireAddresses } from '../../wire/addresses.js';
import { isUnknownTopic } from './kafkaErrors.js';

// Reply topics and groups (`rpc.reply.<clientId>`, one name for both): which ones a bus made, and
// their removal, at a client's close and by the sweep of clients that have gone.

const REPLY_PREFIX = wireAddresses.kafka.replies('');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Whether `name` is a reply topic (and group) a bus made: `rpc.reply.<uuid>`. Only those are swept:
 * `rpc.reply.dlt` is the dead-letter topic of an API named `reply`, and another application's
 * `rpc.reply.…` topics are not ours to delete.
 */
export function isBusReplyTopic(name: string): boolean {
  return name.startsWith(REPLY_PREFIX) && UUID.test(name.slice(REPLY_PREFIX.length));
}

/** What a removal found: it removed the thing, it was already gone, or the group has a member. */
export type Removal = 'removed' | 'absent' | 'has members';

/** Deletes the reply group with its committed offsets, unless a member has joined it meanwhile. */
export async function removeGroupUnlessJoined(admin: Admin, group: string): Promise<Removal> {
  try {
    await admin.deleteGroups([group]);
    return 'removed';
  } catch (error) {
    const type = groupErrorType(error);
    if (type === 'GROUP_ID_NOT_FOUND') return 'absent';
    if (type === 'NON_EMPTY_GROUP') return 'has members';
    throw error;
  }
}

export async function removeTopic(admin: Admin, topic: string): Promise<Removal> {
  try {
    await admin.deleteTopics({ topics: [topic] });
    return 'removed';
  } catch (error) {
    if (isUnknownTopic(error)) return 'absent';
    throw error;
  }
}

/** The protocol error of a kafkajs DeleteGroups failure (KafkaJSDeleteGroupsError lists one per group). */
function groupErrorType(error: unknown): unknown {
  const { groups } = error as { groups?: Array<{ error?: { type?: unknown } }> };
  return groups?.[0]?.error?.type;
}
