import type { ReplayEvent, ReplayResult, ReplayRun } from '@switchyard/core';
import { Partitioners, type EachBatchPayload, type Producer } from 'kafkajs';
import { toDeadLetter, replayHeaders, type KafkaDeadLetter } from './kafkaRecord.js';
import { checkTopic, kafkaFailure, topicOffsets, type OpsKafka } from './opsKafka.js';
import { readTopic } from './readTopic.js';
import { readReplayProgress, type PartitionProgress } from './replayProgress.js';

const REPLAY_SESSION_TIMEOUT_MS = 10_000;

/** Why a dead letter was not replayed. */
export type KafkaReplaySkip = 'filtered' | 'bounded' | 'no source' | 'commit metadata full';

export type KafkaReplayEvent = ReplayEvent<KafkaDeadLetter, KafkaReplaySkip>;
export type KafkaReplayOptions = ReplayRun<KafkaDeadLetter, KafkaReplaySkip>;

/** Core's result (`left`: every one skipped), with why each was left. */
export interface KafkaReplayResult extends ReplayResult {
  readonly skipped: Readonly<Record<string, number>>;
}

export interface KafkaDeadLetterList {
  /** Dead letters the replay group has not replayed. */
  readonly records: KafkaDeadLetter[];
  /** Dead letters the replay group has replayed (below its committed offset or in its metadata). */
  readonly replayed: number;
  readonly truncated: boolean;
}

/**
 * A dead-letter topic and its replay group. Replaying produces each record to its source topic (or
 * `to`) and, once the brokers acknowledged it (acks=all), commits it for the replay group; so the
 * group's committed offset and commit metadata say what was replayed, and `list` shows the rest. A
 * crash between the produce and the commit replays that record again (a duplicate, never a loss).
 * Only records already on the topic when the replay started are replayed.
 */
export class KafkaDeadLetterTopic {
  constructor(
    private readonly ops: OpsKafka,
    readonly topic: string,
    readonly groupId: string,
  ) {}

  async list(limit: number, signal: AbortSignal): Promise<KafkaDeadLetterList> {
    await checkTopic(this.ops, this.topic);
    const offsets = await topicOffsets(this.ops, this.topic);
    const progress = await readReplayProgress(this.ops, this.groupId, this.topic, offsets);
    const records: KafkaDeadLetter[] = [];
    let replayed = 0;
    for (const [partition, { low, high }] of offsets) {
      const state = progress.get(partition)!;
      replayed += Math.max(0, Math.min(state.base, high) - low) + state.replayedAbove(high);
    }
    let truncated = false;
    await readTopic(this.ops, this.topic, {
      start: new Map([...progress].map(([partition, state]) => [partition, state.base])),
      end: new Map([...offsets].map(([partition, { high }]) => [partition, high])),
      signal,
      onRecord: (partition, raw) => {
        if (progress.get(partition)!.replayed(Number(raw.offset))) return;
        if (records.length >= limit) return !(truncated = true);
        records.push(toDeadLetter(this.topic, partition, raw));
      },
    });
    return { records, replayed, truncated };
  }

  /** The record `partition/offset` (or `topic/partition/offset`) of this topic. */
  async show(id: string, signal: AbortSignal): Promise<KafkaDeadLetter | undefined> {
    const parts = id.split('/');
    const [partition, offset] = parts.slice(-2).map(Number);
    const topic = parts.slice(0, -2).join('/');
    if (!Number.isInteger(partition) || !Number.isInteger(offset) || (topic !== '' && topic !== this.topic))
      throw new Error(
        `"${id}" is not a record of ${this.topic}; give <partition>/<offset> or ${this.topic}/<partition>/<offset>`,
      );
    await checkTopic(this.ops, this.topic);
    const range = (await topicOffsets(this.ops, this.topic)).get(partition!);
    if (range === undefined || offset! < range.low || offset! >= range.high) return undefined;
    let found: KafkaDeadLetter | undefined;
    await readTopic(this.ops, this.topic, {
      start: new Map([[partition!, offset!]]),
      end: new Map([[partition!, offset! + 1]]),
      signal,
      onRecord: (at, raw) => {
        if (at === partition && Number(raw.offset) === offset) found = toDeadLetter(this.topic, at, raw);
        return found === undefined;
      },
    });
    return found;
  }

  async replay(options: KafkaReplayOptions): Promise<KafkaReplayResult> {
    await checkTopic(this.ops, this.topic);
    if (options.to !== undefined) await this.#target(options.to);
    const offsets = await topicOffsets(this.ops, this.topic);
    await this.#checkIdle();
    const progress = await readReplayProgress(this.ops, this.groupId, this.topic, offsets);
    const end = new Map([...offsets].map(([partition, { high }]) => [partition, high]));
    const skipped: Record<string, number> = {};
    let replayed = 0;
    const result = (): KafkaReplayResult => ({ replayed, left: leftOf(skipped), skipped });
    const decide = async (
      record: KafkaDeadLetter,
      state: PartitionProgress,
    ): Promise<{ target: string; partition?: number } | KafkaReplaySkip> => {
      if (record.bounded !== undefined) return 'bounded';
      if (!options.select(record)) return 'filtered';
      const target = options.to ?? record.source;
      if (target === undefined) return 'no source';
      if (!options.dryRun && !state.fits(record.offset)) return 'commit metadata full';
      const partitions = await this.#target(target, record);
      const partition = record.originalPartition;
      const keep = target === record.source && partition !== undefined && partition < partitions;
      return keep ? { target, partition } : { target };
    };
    const skip = (record: KafkaDeadLetter, why: KafkaReplaySkip): void => {
      skipped[why] = (skipped[why] ?? 0) + 1;
      options.onEvent({ kind: 'skipped', record, why });
    };

    if (options.dryRun) {
      const pending = await this.list(Number.MAX_SAFE_INTEGER, options.signal);
      for (const record of pending.records) {
        if (replayed >= options.limit) break;
        const decision = await decide(record, progress.get(record.partition)!);
        if (typeof decision === 'string') skip(record, decision);
        else {
          replayed += 1;
          options.onEvent({ kind: 'would replay', record, target: decision.target });
        }
      }
      return result();
    }

    const open = new Set(
      [...progress].filter(([partition, state]) => state.base < end.get(partition)!).map(([p]) => p),
    );
    if (open.size === 0) return result();
    const producer = this.ops.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // As the daemon's producer: a key lands on the partition a Java producer would pick.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const consumer = this.ops.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
      // A killed replay stays a member until its session times out, and #checkIdle refuses the
      // next run until then: short, so an operator re-running after a crash waits seconds, not 30.
      sessionTimeout: REPLAY_SESSION_TIMEOUT_MS,
      heartbeatInterval: 1000,
    });
    let resolveDone!: () => void;
    let fail!: (error: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      resolveDone = resolve;
      fail = reject;
    });
    let stopped = false;
    const stop = (): void => {
      stopped = true;
      resolveDone();
    };
    options.signal.addEventListener('abort', stop, { once: true });
    const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
      const { batch } = payload;
      const state = progress.get(batch.partition)!;
      const stopAt = end.get(batch.partition) ?? 0;
      for (const raw of batch.messages) {
        if (stopped) return;
        const offset = Number(raw.offset);
        if (offset >= stopAt) break;
        payload.resolveOffset(raw.offset);
        if (!state.replayed(offset)) {
          if (replayed >= options.limit) return stop();
          const record = toDeadLetter(this.topic, batch.partition, raw);
          const decision = await decide(record, state);
          if (typeof decision === 'string') skip(record, decision);
          else {
            await options.pace(1);
            await sendReplay(producer, decision, raw, options.stamp);
            // Only now, the produce acknowledged, is the dead letter recorded as replayed.
            state.markReplayed(offset);
            await consumer.commitOffsets([
              { topic: this.topic, partition: batch.partition, ...state.commit() },
            ]);
            replayed += 1;
            options.onEvent({ kind: 'replayed', record, target: decision.target });
          }
        }
        await payload.heartbeat();
        if (offset + 1 >= stopAt) {
          open.delete(batch.partition);
          if (open.size === 0) return stop();
        }
      }
    };
    try {
      await producer.connect();
      await consumer.connect();
      consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
      await done;
    } catch (error) {
      throw error instanceof Error && error.message.startsWith('cannot replay')
        ? error
        : kafkaFailure(error, this.ops.brokers);
    } finally {
      options.signal.removeEventListener('abort', stop);
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    }
    return result();
  }

  readonly #targets = new Map<string, Promise<number>>();

  /** The target topic's partition count, once it is known to exist (checked once per topic). */
  #target(topic: string, record?: KafkaDeadLetter): Promise<number> {
    if (topic === this.topic)
      throw new Error(
        `cannot replay ${record?.id ?? 'to'} ${this.topic}: it is the dead-letter topic itself; pass --to <topic>`,
      );
    let known = this.#targets.get(topic);
    if (known === undefined) {
      known = (async () => {
        try {
          await checkTopic(this.ops, topic, 'replay target topic');
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          throw new Error(
            `cannot replay${record === undefined ? '' : ` ${record.id}`}: ${why}; create it, or pass --to <topic>`,
            { cause: error },
          );
        }
        return (await topicOffsets(this.ops, topic)).size;
      })();
      this.#targets.set(topic, known);
    }
    return known;
  }

  /** Two replays of one topic in one group would split its partitions and race on the commits. */
  async #checkIdle(): Promise<void> {
    try {
      const { groups } = await this.ops.admin.describeGroups([this.groupId]);
      const members = groups[0]?.members.length ?? 0;
      if (members > 0)
        throw new Error(
          `replay group ${this.groupId} has ${members} member(s): another replay is running, or one was killed ` +
            `(it leaves the group within ${REPLAY_SESSION_TIMEOUT_MS / 1000} s); wait and run it again`,
        );
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('replay group')) throw error;
      throw kafkaFailure(error, this.ops.brokers);
    }
  }
}

function leftOf(skipped: Readonly<Record<string, number>>): number {
  return Object.values(skipped).reduce((sum, count) => sum + count, 0);
}

async function sendReplay(
  producer: Producer,
  decision: { target: string; partition?: number },
  raw: EachBatchPayload['batch']['messages'][number],
  stamp: Readonly<Record<string, string>>,
): Promise<void> {
  await producer.send({
    topic: decision.target,
    acks: -1,
    messages: [
      {
        key: raw.key,
        value: raw.value,
        headers: replayHeaders(raw, stamp),
        ...(decision.partition === undefined ? {} : { partition: decision.partition }),
      },
    ],
  });
}
