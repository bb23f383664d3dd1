import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ReplayEvent, ReplayResult, ReplayRun } from '@switchyard/core';
import { sqsFailure } from './opsClient.js';
import { readQueueState, type SqsQueueState } from './queueState.js';
import { receiveSome, releaseAll } from './receiving.js';
import { replayAttributes, toDeadLetter, type SqsDeadLetter } from './sqsRecord.js';

/** Why a dead letter was not replayed. */
export type SqsReplaySkip = 'filtered' | 'bounded' | 'no source' | 'newer than the replay';

export type SqsReplayEvent = ReplayEvent<SqsDeadLetter, SqsReplaySkip>;

export interface SqsReplayOptions extends ReplayRun<SqsDeadLetter, SqsReplaySkip> {
  /** Messages per SendMessageBatch (1–10; small for a slow `--rate`). */
  readonly batchSize: number;
  /** How long received messages stay hidden from other readers while the replay holds them. */
  readonly holdSeconds: number;
}

/** Core's result (`left`: every one skipped), with why each was left. */
export interface SqsReplayResult extends ReplayResult {
  readonly skipped: Readonly<Record<string, number>>;
  /** Replayed but the delete failed: still on the dead-letter queue, replayed again next time. */
  readonly notRemoved: number;
}

/**
 * A dead-letter queue, read and replayed by the operator commands. Reading is receiving: every
 * message read is hidden for `holdSeconds` and made visible again when the command ends, and its
 * ApproximateReceiveCount rises by one.
 */
export class SqsDeadLetterQueue {
  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
  ) {}

  state(): Promise<SqsQueueState> {
    return readQueueState(this.client, this.queueUrl);
  }

  /**
   * Every dead letter (up to `limit`), read by receiving until a receive comes back empty, then
   * released. `truncated` says the limit stopped the read.
   */
  async list(limit: number, holdSeconds: number): Promise<{ records: SqsDeadLetter[]; truncated: boolean }> {
    const records = new Map<string, SqsDeadLetter>();
    const receipts: string[] = [];
    try {
      while (records.size < limit) {
        const received = await receiveSome(this.client, this.queueUrl, limit - records.size, holdSeconds);
        if (received.length === 0) break;
        let fresh = 0;
        for (const raw of received) {
          receipts.push(raw.ReceiptHandle ?? '');
          if (records.has(raw.MessageId ?? '')) continue;
          records.set(raw.MessageId ?? '', toDeadLetter(raw));
          fresh += 1;
        }
        if (fresh === 0) break; // the hold ran out and the same messages came back: all were read
      }
    } finally {
      await releaseAll(this.client, this.queueUrl, receipts);
    }
    return { records: [...records.values()], truncated: records.size >= limit };
  }

  /**
   * Sends each selected dead letter to its source queue (or `to`) and deletes it from this queue
   * only once SQS confirmed the send: a crash between the two leaves it here to be replayed again
   * (a duplicate, never a loss). Only dead letters that were there when the replay started are
   * replayed: ones arriving during it (perhaps replayed ones failing again) wait for the next run.
   */
  async replay(options: SqsReplayOptions): Promise<SqsReplayResult> {
    const startedAt = Date.now();
    const initial = await this.state();
    const targets = new Map<string, Promise<SqsQueueState>>();
    const held = new Map<string, string>(); // message id → receipt, of what is skipped (released at the end)
    const done = new Set<string>();
    const skipped: Record<string, number> = {};
    let replayed = 0;
    let notRemoved = 0;
    let idle = 0;
    const skip = (record: SqsDeadLetter, why: SqsReplaySkip): void => {
      held.set(record.id, record.raw.ReceiptHandle ?? '');
      skipped[why] = (skipped[why] ?? 0) + 1;
      options.onEvent({ kind: 'skipped', record, why });
    };
    try {
      while (replayed < options.limit && !options.signal.aborted) {
        const want = Math.min(options.batchSize, options.limit - replayed);
        const received = await receiveSome(this.client, this.queueUrl, want, options.holdSeconds);
        if (received.length === 0) break;
        const chosen: Array<{ record: SqsDeadLetter; target: string }> = [];
        for (const raw of received) {
          const id = raw.MessageId ?? '';
          if (done.has(id) || held.has(id)) {
            if (held.has(id)) held.set(id, raw.ReceiptHandle ?? '');
            continue;
          }
          const record = toDeadLetter(raw);
          if ((record.timestamp ?? 0) > startedAt) skip(record, 'newer than the replay');
          else if (record.bounded !== undefined) skip(record, 'bounded');
          else if (!options.select(record)) skip(record, 'filtered');
          else {
            const target = options.to ?? (await this.#sourceOf(record));
            if (target === undefined) skip(record, 'no source');
            else chosen.push({ record, target });
          }
        }
        if (chosen.length === 0) {
          // Only skipped or already-seen messages: once everything there at the start was seen, stop.
          idle += 1;
          if (idle >= 2 || held.size + done.size >= initial.visible) break;
          continue;
        }
        idle = 0;
        if (options.dryRun) {
          for (const { record, target } of chosen) {
            held.set(record.id, record.raw.ReceiptHandle ?? '');
            done.add(record.id);
            replayed += 1;
            options.onEvent({ kind: 'would replay', record, target });
          }
          continue;
        }
        await options.pace(chosen.length);
        for (const [target, group] of byTarget(chosen)) {
          const state = await this.#checkTarget(targets, target, group[0]!.record);
          const sent = await this.#send(state, group, options.stamp);
          const failedDeletes = await this.#delete(sent);
          for (const item of sent) {
            done.add(item.record.id);
            replayed += 1;
            const why = failedDeletes.get(item.record.id);
            if (why === undefined) options.onEvent({ kind: 'replayed', record: item.record, target });
            else {
              notRemoved += 1;
              options.onEvent({ kind: 'not removed', record: item.record, target, why });
            }
          }
        }
      }
    } finally {
      await releaseAll(this.client, this.queueUrl, [...held.values()]);
    }
    const left = Object.values(skipped).reduce((sum, count) => sum + count, 0);
    return { replayed, left, skipped, notRemoved };
  }

  /** `x-original-source`, else the queue SQS's redrive moved it from (DeadLetterQueueSourceArn). */
  async #sourceOf(record: SqsDeadLetter): Promise<string | undefined> {
    if (record.source !== undefined && record.source !== '') return record.source;
    const name = record.movedBySqs?.split(':')[5];
    if (name === undefined || name === '') return undefined;
    try {
      return (await this.client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    } catch (error) {
      throw sqsFailure(
        error,
        record.movedBySqs ?? name,
        `the source queue (DeadLetterQueueSourceArn) of ${record.id},`,
      );
    }
  }

  /** The target exists (checked once per target) and is not this queue. */
  async #checkTarget(
    targets: Map<string, Promise<SqsQueueState>>,
    target: string,
    first: SqsDeadLetter,
  ): Promise<SqsQueueState> {
    if (target === this.queueUrl)
      throw new Error(`${first.id} names the dead-letter queue itself as its source; pass --to <queue url>`);
    let state = targets.get(target);
    if (state === undefined) {
      state = readQueueState(this.client, target).catch((error: unknown) => {
        const named = error instanceof Error ? error.message : String(error);
        throw new Error(
          `cannot replay ${first.id} to ${target}: ${named}; fix or recreate it, or pass --to <queue url>`,
          {
            cause: error,
          },
        );
      });
      targets.set(target, state);
    }
    return state;
  }

  /** SendMessageBatch; returns what SQS confirmed. A refused entry stops the replay (it stays here). */
  async #send(
    target: SqsQueueState,
    group: ReadonlyArray<{ record: SqsDeadLetter; target: string }>,
    stamp: Readonly<Record<string, string>>,
  ): Promise<Array<{ record: SqsDeadLetter }>> {
    const entries: SendMessageBatchRequestEntry[] = group.map(({ record }, index) => ({
      Id: String(index),
      MessageBody: record.raw.Body ?? '',
      MessageAttributes: replayAttributes(record.raw, stamp),
      // A FIFO target needs a group; the dead letter's id makes a resend after a crash a no-op (5 min).
      ...(target.fifo
        ? {
            MessageGroupId: record.key ?? 'replay',
            MessageDeduplicationId: `replay-${record.id}`.slice(0, 128),
          }
        : {}),
    }));
    let response;
    try {
      response = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: target.queueUrl, Entries: entries }),
      );
    } catch (error) {
      throw sqsFailure(error, target.queueUrl, 'replay target queue');
    }
    const sent = (response.Successful ?? []).map((entry) => group[Number(entry.Id)]!);
    const refused = response.Failed?.[0];
    if (refused !== undefined) {
      // Delete what was confirmed before stopping, so it is not replayed twice.
      await this.#delete(sent);
      const record = group[Number(refused.Id)]!.record;
      throw new Error(
        `SQS refused to replay ${record.id} to ${target.queueUrl}: ${refused.Code ?? ''} ${refused.Message ?? ''}`.trim() +
          ' (it stays on the dead-letter queue)',
      );
    }
    return sent;
  }

  /** Deletes confirmed replays; returns the ids whose delete failed, with why. */
  async #delete(sent: ReadonlyArray<{ record: SqsDeadLetter }>): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    if (sent.length === 0) return failed;
    try {
      const response = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: sent.map(({ record }, index) => ({
            Id: String(index),
            ReceiptHandle: record.raw.ReceiptHandle ?? '',
          })),
        }),
      );
      for (const entry of response.Failed ?? [])
        failed.set(sent[Number(entry.Id)]!.record.id, `${entry.Code ?? ''} ${entry.Message ?? ''}`.trim());
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      for (const { record } of sent) failed.set(record.id, why);
    }
    return failed;
  }
}

function byTarget<T extends { target: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.target, [...(groups.get(item.target) ?? []), item]);
  return groups;
}
