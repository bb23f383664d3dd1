import { normalizeMediaType } from '../messages/mediaType.js';
import {
  REPLAY_ATTRIBUTES,
  type DeadLetterRecord,
  type DeadLetterStore,
  type ReplayFilter,
  type ReplayResult,
} from '../transport/DeadLetterStore.js';
import type { MemoryBroker } from './MemoryBroker.js';
import type { MemoryDelivery } from './MemoryQueue.js';
import { DEAD_LETTER_ATTRIBUTES } from './MemoryTransport.js';

/** Bodies longer than this are not parsed for their media type in a listing. */
const MAX_PEEK_CHARS = 64 * 1024;

/** The embedded bus's dead letters (`<queue>.dlq`) for the console: list and replay. */
export class MemoryDeadLetters implements DeadLetterStore {
  constructor(
    private readonly broker: MemoryBroker,
    private readonly queueName: string,
  ) {}

  async list(limit: number): Promise<DeadLetterRecord[]> {
    const queue = this.broker.deadLetterQueue(this.queueName);
    return queue
      .peekAll()
      .slice(-limit)
      .reverse()
      .map(({ id, body, attributes, sentAt }) => ({
        id,
        reason: attributes[DEAD_LETTER_ATTRIBUTES.reason] ?? '',
        source: attributes[DEAD_LETTER_ATTRIBUTES.source] ?? this.queueName,
        mediaType: mediaTypeOf(body, attributes),
        attempts: Number(attributes[DEAD_LETTER_ATTRIBUTES.attempts] ?? 0) || undefined,
        at: sentAt,
      }));
  }

  async replay(filter: ReplayFilter, actor: string): Promise<ReplayResult> {
    const deadLetters = this.broker.deadLetterQueue(this.queueName);
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    // Everything is received (leased) once, so no dead letter is looked at twice in one replay.
    const received = await deadLetters.receive(Math.max(deadLetters.size, 1), 0);
    let replayed = 0;
    for (const letter of received) {
      if (replayed >= limit || !matches(letter, filter)) {
        deadLetters.changeVisibility(letter.receipt, 0);
        continue;
      }
      const source = letter.attributes[DEAD_LETTER_ATTRIBUTES.source] ?? this.queueName;
      this.broker.queue(source).send(letter.body, replayAttributes(letter, actor), { key: letter.key });
      deadLetters.delete(letter.receipt); // after the send: the embedded bus confirms it synchronously
      replayed += 1;
    }
    return { replayed, left: received.length - replayed };
  }
}

function matches(letter: MemoryDelivery, filter: ReplayFilter): boolean {
  const reason = letter.attributes[DEAD_LETTER_ATTRIBUTES.reason] ?? '';
  if (filter.reason !== undefined && filter.reason !== '' && !reason.includes(filter.reason)) return false;
  if (filter.mediaType === undefined || filter.mediaType === '') return true;
  const mediaType = mediaTypeOf(letter.body, letter.attributes);
  return mediaType !== undefined && normalizeMediaType(mediaType) === normalizeMediaType(filter.mediaType);
}

/** The media type as the daemon would read it: an attribute first, else the body's `mediaType`. */
function mediaTypeOf(
  body: string | Uint8Array | null,
  attributes: Readonly<Record<string, string>>,
): string | undefined {
  // content-type is left out: here it mostly names the encoding (application/json), not the schema.
  for (const name of ['media_type', 'mediaType']) if (attributes[name] !== undefined) return attributes[name];
  if (typeof body !== 'string' || body.length > MAX_PEEK_CHARS) return undefined;
  try {
    const parsed = JSON.parse(body) as { mediaType?: unknown } | null;
    return typeof parsed?.mediaType === 'string' ? parsed.mediaType : undefined;
  } catch {
    return undefined; // not JSON: dead-lettered for that very reason
  }
}

/** The message's own attributes, without the dead-letter ones (its attempts start again), plus who replayed it. */
function replayAttributes(letter: MemoryDelivery, actor: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const dropped = new Set<string>(Object.values(DEAD_LETTER_ATTRIBUTES));
  for (const [name, value] of Object.entries(letter.attributes))
    if (!dropped.has(name)) attributes[name] = value;
  attributes[REPLAY_ATTRIBUTES.at] = new Date().toISOString();
  attributes[REPLAY_ATTRIBUTES.by] = actor;
  return attributes;
}
