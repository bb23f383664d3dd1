import type { StreamInfo } from '@nats-io/jetstream';
import type { ReplayEvent, ReplayResult, ReplayRun } from '@switchyard/core';
import { describe } from '../NatsClient.js';
import { quote, subjectMatches } from '../names.js';
import { publishConfirmed } from '../publish.js';
import { replayHeaders, toDeadLetter, type NatsDeadLetter } from './natsRecord.js';
import { checkStream, natsFailure, type OpsNats } from './opsNats.js';
import { readStream } from './readStream.js';

const PUBLISH_TIMEOUT_MS = 5000;

/** Why a dead letter was not replayed. */
export type NatsReplaySkip = 'filtered' | 'bounded' | 'no source';

export type NatsReplayEvent = ReplayEvent<NatsDeadLetter, NatsReplaySkip>;
export type NatsReplayOptions = ReplayRun<NatsDeadLetter, NatsReplaySkip>;

/** Core's result (`left`: every one skipped), with why each was left. */
export interface NatsReplayResult extends ReplayResult {
  readonly skipped: Readonly<Record<string, number>>;
  /** Published and confirmed, but the delete from the dead-letter stream failed (sent again next time). */
  readonly notRemoved: number;
}

export interface NatsDeadLetterList {
  readonly records: NatsDeadLetter[];
  readonly truncated: boolean;
}

/**
 * A dead-letter stream (optionally only `subject` of it). Reading goes through an ephemeral
 * ordered consumer, so nothing is consumed. Replaying publishes each message to its source subject
 * (or `to`) and, once JetStream confirmed the publish, deletes it from the dead-letter stream by
 * sequence; a crash between the two sends it again on the next replay, and its Nats-Msg-Id (the
 * dead-letter stream and sequence) lets the target stream drop that second copy within its
 * duplicate window. Only messages already on the stream when the replay started are replayed.
 */
export class NatsDeadLetterStream {
  constructor(
    private readonly ops: OpsNats,
    readonly stream: string,
    readonly subject?: string,
  ) {}

  async list(limit: number, signal: AbortSignal): Promise<NatsDeadLetterList> {
    const info = await checkStream(this.ops, this.stream);
    const records: NatsDeadLetter[] = [];
    let truncated = false;
    if (info.state.messages === 0) return { records, truncated };
    await readStream(this.ops, this.stream, {
      startSeq: info.state.first_seq,
      endSeq: info.state.last_seq,
      ...(this.subject === undefined ? {} : { subject: this.subject }),
      signal,
      onMessage: (raw) => {
        if (records.length >= limit) return !(truncated = true);
        records.push(toDeadLetter(this.stream, raw));
      },
    });
    return { records, truncated };
  }

  /** The message `sequence` (or `stream/sequence`) of this stream. */
  async show(id: string): Promise<NatsDeadLetter | undefined> {
    const at = id.lastIndexOf('/');
    const stream = at < 0 ? this.stream : id.slice(0, at);
    const seq = Number(id.slice(at + 1));
    if (!Number.isSafeInteger(seq) || seq < 1 || stream !== this.stream)
      throw new Error(
        `"${id}" is not a message of ${this.stream}; give <sequence> or ${this.stream}/<sequence>`,
      );
    await checkStream(this.ops, this.stream);
    let found;
    try {
      found = await this.ops.jsm.streams.getMessage(this.stream, { seq });
    } catch (error) {
      if (/no message found/i.test(describe(error))) return undefined;
      throw natsFailure(error, this.ops.servers);
    }
    if (found === null) return undefined;
    if (this.subject !== undefined && !subjectMatches(this.subject, found.subject)) return undefined;
    return toDeadLetter(this.stream, {
      seq: found.seq,
      subject: found.subject,
      data: found.data,
      headers: found.header,
      time: found.time.getTime(),
    });
  }

  async replay(options: NatsReplayOptions): Promise<NatsReplayResult> {
    const info = await checkStream(this.ops, this.stream);
    if (options.to !== undefined) this.#checkTarget(info, options.to);
    const skipped: Record<string, number> = {};
    let replayed = 0;
    let notRemoved = 0;
    const result = (): NatsReplayResult => ({
      replayed,
      left: Object.values(skipped).reduce((sum, count) => sum + count, 0),
      skipped,
      notRemoved,
    });
    if (info.state.messages === 0) return result();
    const skip = (record: NatsDeadLetter, why: NatsReplaySkip): void => {
      skipped[why] = (skipped[why] ?? 0) + 1;
      options.onEvent({ kind: 'skipped', record, why });
    };
    await readStream(this.ops, this.stream, {
      startSeq: info.state.first_seq,
      endSeq: info.state.last_seq,
      ...(this.subject === undefined ? {} : { subject: this.subject }),
      signal: options.signal,
      onMessage: async (raw) => {
        if (replayed >= options.limit) return false;
        const record = toDeadLetter(this.stream, raw);
        if (record.bounded !== undefined) return skip(record, 'bounded');
        if (!options.select(record)) return skip(record, 'filtered');
        const target = options.to ?? record.source;
        if (target === undefined) return skip(record, 'no source');
        this.#checkTarget(info, target, record);
        if (options.dryRun) {
          replayed += 1;
          options.onEvent({ kind: 'would replay', record, target });
          return;
        }
        await options.pace(1);
        await publishConfirmed(this.ops.js, target, raw.data, {
          headers: replayHeaders(raw, options.stamp),
          msgId: `replay:${this.stream}:${info.created}:${raw.seq}`,
          timeoutMs: PUBLISH_TIMEOUT_MS,
        });
        // Only now, the publish confirmed, is the dead letter removed.
        try {
          await this.ops.jsm.streams.deleteMessage(this.stream, raw.seq, false);
        } catch (error) {
          // Already gone (another replay removed it after the same confirmed publish) is removed.
          if (!/no message found/i.test(describe(error))) {
            notRemoved += 1;
            options.onEvent({ kind: 'not removed', record, target, why: describe(error) });
            return;
          }
        }
        replayed += 1;
        options.onEvent({ kind: 'replayed', record, target });
      },
    });
    return result();
  }

  /** Replaying to a subject the dead-letter stream captures would put it straight back. */
  #checkTarget(info: StreamInfo, target: string, record?: NatsDeadLetter): void {
    if ((info.config.subjects ?? []).some((pattern) => subjectMatches(pattern, target)))
      throw new Error(
        `cannot replay ${record?.id ?? 'to'} ${quote(target)}: the dead-letter stream ${quote(this.stream)} captures that subject; pass --to <subject>`,
      );
  }
}
