import { headers as newHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { NATS_DEAD_LETTER_HEADERS } from '../DeadLetterPublisher.js';
import { NATS_KEY_HEADER } from '../natsMessage.js';

/** A stored JetStream message, however it was read (an ordered consumer or a get by sequence). */
export interface StoredNatsMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
  /** When the stream stored it, ms since the epoch. */
  readonly time: number;
}

/** A message as the operator commands show it. */
export interface NatsOpsMessage {
  /** `stream/sequence`, as the daemon names a message. */
  readonly id: string;
  /** The `x-message-key` header. */
  readonly key?: string;
  /** Headers (first value of each). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** When it was stored (for a dead letter: when it was dead-lettered). */
  readonly timestamp: number;
  readonly location: string;
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  readonly raw: StoredNatsMessage;
}

/** A message on a dead-letter stream, with what the transport wrote about why it is there. */
export interface NatsDeadLetter extends NatsOpsMessage {
  readonly reason?: string;
  /** `x-original-source`: the subject it was consumed from. */
  readonly source?: string;
  readonly attempts?: number;
  /** `x-dead-letter-bounded-reason`: the copy's body is cut; it cannot be replayed. */
  readonly bounded?: string;
}

/** Headers the dead-letter copy added: dropped on replay (the attempt count restarts). */
export const NATS_DEAD_LETTER_ONLY: ReadonlySet<string> = new Set(
  Object.values(NATS_DEAD_LETTER_HEADERS).map((name) => name.toLowerCase()),
);

export function toOpsMessage(stream: string, raw: StoredNatsMessage): NatsOpsMessage {
  const attributes: Record<string, string> = {};
  for (const [name, values] of raw.headers ?? []) attributes[name] ??= values[0] ?? '';
  const key = attributes[NATS_KEY_HEADER];
  return {
    id: `${stream}/${raw.seq}`,
    ...(key === undefined || key === '' ? {} : { key }),
    attributes,
    body: raw.data,
    timestamp: raw.time,
    location: `stream ${stream} sequence ${raw.seq} subject ${raw.subject}`,
    stream,
    seq: raw.seq,
    subject: raw.subject,
    raw,
  };
}

export function toDeadLetter(stream: string, raw: StoredNatsMessage): NatsDeadLetter {
  const message = toOpsMessage(stream, raw);
  const headers = message.attributes;
  const attempts = Number(headers[NATS_DEAD_LETTER_HEADERS.attempts]);
  const source = headers[NATS_DEAD_LETTER_HEADERS.source];
  const reason = headers[NATS_DEAD_LETTER_HEADERS.reason];
  const bounded =
    headers[NATS_DEAD_LETTER_HEADERS.bounded] === 'true'
      ? (headers[NATS_DEAD_LETTER_HEADERS.boundedReason] ?? 'bounded record')
      : undefined;
  return {
    ...message,
    ...(reason === undefined ? {} : { reason }),
    ...(source === undefined || source === '' ? {} : { source }),
    ...(Number.isFinite(attempts) && headers[NATS_DEAD_LETTER_HEADERS.attempts] !== undefined
      ? { attempts }
      : {}),
    ...(bounded === undefined ? {} : { bounded }),
  };
}

/**
 * The headers of a replayed message: its own, every value kept, without the dead-letter ones and
 * `Nats-*` ones (the server acts on those), plus `stamp`.
 */
export function replayHeaders(raw: StoredNatsMessage, stamp: Readonly<Record<string, string>>): MsgHdrs {
  const headers = newHeaders();
  const stamped = new Set(Object.keys(stamp).map((name) => name.toLowerCase()));
  for (const [name, values] of raw.headers ?? []) {
    const lower = name.toLowerCase();
    if (NATS_DEAD_LETTER_ONLY.has(lower) || stamped.has(lower) || lower.startsWith('nats-')) continue;
    for (const value of values) headers.append(name, value);
  }
  for (const [name, value] of Object.entries(stamp)) headers.set(name, value);
  return headers;
}
