import {
  boundedText,
  type ConsumerLag,
  type DeadLetterDetails,
  type DeadLetterResult,
  type Transport,
  type TransportMessage,
} from '@switchyard/core';
import type { EachBatchPayload } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConsumerSession, SessionListener } from './ConsumerSession.js';
import type { Committed } from './GroupAdmin.js';
import { FinishWaiters } from './FinishWaiters.js';
import { InFlight } from './InFlight.js';
import { Rebalances } from './Rebalances.js';
import {
  boundedDeadLetterHeaders,
  deadLetterHeaders,
  recordBatchSize,
  REASON_MAX_BYTES,
} from './deadLetterHeaders.js';
import { DeliveryQueue } from './DeliveryQueue.js';
import { toDelivery } from './toDelivery.js';
import type { KafkaMode } from './KafkaConfig.js';
import { partitionId, type KafkaDelivery } from './KafkaDelivery.js';
import type { KafkaProducer } from './KafkaProducer.js';
import { PartitionStates } from './PartitionStates.js';
import { Waker } from './Waker.js';
import { Backpressure } from './Backpressure.js';
import { CommitLoop } from './CommitLoop.js';
import { decodeProgress } from './commitMetadata.js';
import type { PartitionState } from './PartitionState.js';
import { isRecordTooLarge } from './KafkaProduceError.js';
import { describeConsumerState } from './ConsumerReadiness.js';
import type { TopicLimits } from './preflight.js';

/** A bounded dead letter's body when the dead-letter topic's limit is not known. */
const BOUNDED_BODY_FALLBACK_BYTES = 65_536;
/** kafka.maxBytesPerPartition's default, for a transport built without it (unit tests). */
const DEFAULT_MAX_BYTES_PER_PARTITION = 262_144;
/** A bounded record sent without its body keeps the key only up to this size. */
const BOUNDED_KEY_MAX_BYTES = 1024;
/** Kept free below the limit for what the size estimate may miss (producer-side framing). */
const BOUNDED_MARGIN_BYTES = 1024;

export interface KafkaTransportOptions {
  readonly mode: KafkaMode;
  /** Fetched plus in-flight messages at which every partition pauses (resumes at 80 %). */
  readonly maxBuffered: number;
  /** Bytes of fetched, unfinished records the next fetch may not take intake past (see ByteBudget). */
  readonly maxBufferedBytes?: number;
  /** What one fetch brings per partition at most (`kafka.maxBytesPerPartition`), for that budget. */
  readonly maxBytesPerPartition?: number;
  /** Retry interval for commits (a failed commit is sent again then); also commits any change. */
  readonly commitIntervalMs: number;
  /** A finish (or a counted failure) is committed this long after it, at the latest plus a round trip. */
  readonly commitDelayMs?: number;
  readonly deadLetterTopicFor: (topic: string) => string;
  /** Longest a receive waits before returning empty, in milliseconds. */
  readonly waitMs?: number;
  /**
   * Start-up checks run before subscribing (topics exist, dead-letter topics created); may report
   * each dead-letter topic's `max.message.bytes`, so a copy that cannot fit is bounded at once.
   */
  readonly preflight?: () => Promise<TopicLimits | void>;
  /** Longest commit metadata (the broker's `offset.metadata.max.bytes`; 4096 if not given). */
  readonly commitMetadataMaxBytes?: number;
}

/**
 * The pull contract over kafkajs's push model. Fetched records wait in a bounded queue that
 * `receive()` drains; `ack` and `deadLetter` finish an offset and the commit loop commits each
 * partition's contiguous finished prefix; `nack` retries in place (the key's order kept).
 * A rebalance bumps the epoch of revoked partitions, so late results from them are ignored.
 */
export class KafkaTransport implements Transport {
  readonly name = 'kafka';
  readonly #queue = new DeliveryQueue();
  readonly #partitions = new PartitionStates();
  readonly #waker = new Waker();
  readonly #commits: CommitLoop;
  readonly #backpressure: Backpressure;
  #session: ConsumerSession | undefined;
  #started: Promise<void> | undefined;
  readonly #inFlight = new InFlight();
  readonly #finishWaiters = new FinishWaiters((topic, partition, offset) =>
    this.finishedThrough(topic, partition, offset),
  );
  readonly #rebalances: Rebalances;
  #closing = false;
  #deadLetterMaxBytes: ReadonlyMap<string, number> = new Map();
  /** Committed offsets and metadata of the partitions the last assignment added, being read. */
  #committed: Promise<Committed> | undefined;
  /** Offsets an earlier process finished (per the committed metadata), acked without a run. */
  #skippedFinished = 0;

  constructor(
    private readonly createSession: (listener: SessionListener) => ConsumerSession,
    private readonly producer: KafkaProducer,
    private readonly options: KafkaTransportOptions,
    private readonly logger: Logger,
  ) {
    this.#backpressure = new Backpressure(
      {
        maxBuffered: options.maxBuffered,
        maxBufferedBytes: options.maxBufferedBytes ?? Number.MAX_SAFE_INTEGER,
        fetchBytes: options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION,
      },
      () => this.#session,
    );
    this.#commits = new CommitLoop(
      () => this.#partitions.values(),
      () => this.#session,
      logger,
      options.commitMetadataMaxBytes,
      options.commitDelayMs,
    );
    this.#rebalances = new Rebalances({
      partitions: this.#partitions,
      queue: this.#queue,
      commits: this.#commits,
      backpressure: this.#backpressure,
      waker: this.#waker,
      inFlight: this.#inFlight,
      finishWaiters: this.#finishWaiters,
      readCommitted: (partitions) => {
        this.#committed = this.#readCommitted(partitions);
      },
      logger,
    });
  }

  /** For health checks and tests: what is buffered and in flight, and how often intake paused. */
  /** For the metrics: maps of finished offsets cut to fit the commit metadata, offsets skipped as finished. */
  eventCounts(): Readonly<Record<string, number>> {
    return {
      commit_metadata_overflows: this.#commits.metadataOverflows,
      finished_offsets_skipped: this.#skippedFinished,
    };
  }

  get stats(): {
    buffered: number;
    /** Bytes of fetched records not finished yet, and the most at once (`kafka.maxBufferedBytes`). */
    bufferedBytes: number;
    peakBufferedBytes: number;
    /** Commit requests sent so far. */
    commits: number;
    inFlight: number;
    paused: boolean;
    pauses: number;
    metadataOverflows: number;
    skippedFinished: number;
  } {
    const paused = [...this.#partitions.values()].some((state) => state.paused);
    return {
      buffered: this.#queue.size,
      bufferedBytes: this.#backpressure.bytes.held,
      peakBufferedBytes: this.#backpressure.bytes.peak,
      commits: this.#commits.commits,
      inFlight: this.#inFlight.count,
      paused,
      pauses: this.#backpressure.pauses,
      metadataOverflows: this.#commits.metadataOverflows,
      skippedFinished: this.#skippedFinished,
    };
  }

  /** Connects, subscribes and starts committing; single-flight. The daemon awaits it before consuming. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      const limits = await this.options.preflight?.();
      if (limits) this.#deadLetterMaxBytes = limits.deadLetterMaxBytes;
      const rebalances = this.#rebalances;
      const session = this.createSession({
        onBatch: (payload) => this.#onBatch(payload),
        onFetchStart: () => this.#backpressure.fetchStarting(),
        finishedThrough: (topic, partition, offset) => this.finishedThrough(topic, partition, offset),
        whenFinishedThrough: (topic, partition, offset) => this.#finishWaiters.when(topic, partition, offset),
        onRebalancing: () => rebalances.onRebalancing(),
        onAssigned: (assigned, memberChanged) => rebalances.onAssigned(assigned, memberChanged),
        onLost: () => rebalances.onLost(),
        drainForRevoke: (timeoutMs) => rebalances.drainForRevoke(timeoutMs),
      });
      this.#session = session;
      await session.start();
      this.#commits.start(this.options.commitIntervalMs);
    })();
    return this.#started;
  }

  async receive(max: number, signal: AbortSignal): Promise<TransportMessage[]> {
    await this.start();
    const deadline = Date.now() + (this.options.waitMs ?? 1000);
    for (;;) {
      // Not connected yet is no failure: the first assignment is on its way.
      const state = this.#session?.state;
      if (state !== undefined && state.kind !== 'ready' && state.kind !== 'connecting')
        throw new Error(`kafka: ${describeConsumerState(state)}`);
      const taken = this.#dispatchable() ? this.#queue.take(max, Date.now()) : [];
      const current = taken.filter((delivery) => {
        if (this.#partitions.current(delivery) !== undefined) return true;
        this.#queue.settle(delivery);
        return false;
      });
      this.#inFlight.add(current.length);
      if (current.length > 0 || Date.now() >= deadline || signal.aborted) return current;
      await this.#waker.sleep(
        Math.min(deadline, this.#queue.nextDueAt(Date.now()) ?? deadline) - Date.now(),
        signal,
      );
    }
  }

  async ack(message: TransportMessage): Promise<void> {
    this.#finish(message as KafkaDelivery);
  }

  /** A failed attempt: retried in place after the delay, as the next attempt. */
  async nack(message: TransportMessage, delaySeconds: number): Promise<void> {
    this.#redeliver(message as KafkaDelivery, delaySeconds * 1000, true);
  }

  /** Never started: handed out again at once, with the same attempt number. */
  async release(message: TransportMessage): Promise<void> {
    this.#redeliver(message as KafkaDelivery, 0, false);
  }

  async extend(): Promise<void> {}

  /**
   * Produces the copy (original key, value and headers plus the dead-letter headers) and finishes
   * the offset once the brokers confirmed it. A copy that can never fit the dead-letter topic (over
   * its `max.message.bytes`, or refused by the broker as too large) is replaced by a bounded record
   * (see `boundedDeadLetterHeaders`, the body cut to fit). Any other failure throws with the offset
   * unfinished: the runner then nacks the message, so it is retried in place.
   */
  async deadLetter(message: TransportMessage, details: DeadLetterDetails): Promise<DeadLetterResult | void> {
    const delivery = message as KafkaDelivery;
    const topic = this.options.deadLetterTopicFor(delivery.topic);
    const key = delivery.rawKey;
    const body = delivery.body === null ? null : Buffer.from(delivery.body);
    const reason = boundedText(details.reason, REASON_MAX_BYTES);
    const headers = deadLetterHeaders(delivery, details);
    const size = recordBatchSize(key, body, headers);
    const limit = this.#deadLetterMaxBytes.get(topic);
    let why: string | undefined =
      limit !== undefined && size > limit
        ? `the copy (${size} bytes) is over the max.message.bytes of "${topic}" (${limit})`
        : undefined;
    if (why === undefined) {
      try {
        // Produced and confirmed before the offset counts as finished: the dead letter is at-least-once too.
        await this.producer.sendRaw(topic, key, body, headers);
        this.logger.warn({ messageId: delivery.id, topic, reason }, 'dead-lettered');
        this.#finish(delivery);
        return;
      } catch (error) {
        if (!isRecordTooLarge(error)) throw error;
        why = `the broker refused the copy (${size} bytes) as too large for "${topic}"${limit === undefined ? '' : ` (max.message.bytes ${limit})`}`;
      }
    }
    const kept = await this.#sendBounded(delivery, topic, details, body, why, limit);
    this.logger.warn(
      { messageId: delivery.id, topic, reason, why, originalBytes: body?.length ?? 0, keptBytes: kept },
      'dead-lettered as a bounded record: the whole copy can never fit the dead-letter topic',
    );
    this.#finish(delivery);
    return { kind: 'bounded', why: `${why}; wrote a bounded record (body cut to ${kept} bytes)` };
  }

  /**
   * The bounded record, its body cut to fit `limit`; if even that is refused, with no body (and no
   * key when the key is long: it may be what does not fit).
   */
  async #sendBounded(
    delivery: KafkaDelivery,
    topic: string,
    details: DeadLetterDetails,
    body: Buffer | null,
    why: string,
    limit: number | undefined,
  ): Promise<number> {
    const headers = boundedDeadLetterHeaders(delivery, details, body, why);
    const room =
      limit === undefined
        ? BOUNDED_BODY_FALLBACK_BYTES
        : limit - recordBatchSize(delivery.rawKey, Buffer.alloc(0), headers) - BOUNDED_MARGIN_BYTES;
    const cut = body === null ? 0 : Math.max(0, Math.min(body.length, room));
    try {
      await this.producer.sendRaw(topic, delivery.rawKey, body?.subarray(0, cut) ?? null, headers);
      return cut;
    } catch (error) {
      if (!isRecordTooLarge(error) || cut === 0) throw error;
    }
    const key = (delivery.rawKey?.length ?? 0) > BOUNDED_KEY_MAX_BYTES ? null : delivery.rawKey;
    await this.producer.sendRaw(topic, key, body === null ? null : Buffer.alloc(0), headers);
    return 0;
  }

  /** Stops dispatching, commits what finished, leaves the group. The runner has drained by now. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#waker.wake();
    if (this.#started === undefined) return;
    await this.#started.catch(() => undefined);
    await this.#commits.stop();
    await this.#session?.stop();
  }

  /** A fetched batch (the session's eachBatch); exposed for unit tests that feed batches. */
  onBatch(payload: EachBatchPayload): void | Promise<void> {
    return this.#onBatch(payload);
  }

  #onBatch(payload: EachBatchPayload): void | Promise<void> {
    const state = this.#partitions.ensure(payload.batch.topic, payload.batch.partition);
    if (!state.restored) return this.#restoreThenTake(state, payload);
    this.#take(state, payload);
  }

  #take(state: PartitionState, { batch }: EachBatchPayload): void {
    state.highWatermark = Math.max(state.highWatermark, Number(batch.highWatermark));
    const skippedBefore = this.#skippedFinished;
    let freshBytes = 0;
    for (const record of batch.messages) {
      const delivery = toDelivery(batch.topic, batch.partition, record, state.epoch, this.options.mode);
      const registration = state.register(delivery.offset, delivery.bytes);
      // Finished by an earlier process: acked without running (the commit metadata said so).
      if (registration === 'finished') this.#skippedFinished += 1;
      if (registration !== 'fresh') continue;
      freshBytes += delivery.bytes;
      const attempt = state.attemptOf(delivery.offset);
      // Failures counted by an earlier process go on counting (attempts survive a restart).
      this.#queue.push(attempt === 1 ? delivery : { ...delivery, attempt });
    }
    if (this.#skippedFinished > skippedBefore) this.#commits.soon();
    this.#backpressure.took(state, freshBytes);
    this.#waker.wake();
  }

  /** A partition's first batch in its epoch: what the committed metadata recorded comes first. */
  async #restoreThenTake(state: PartitionState, payload: EachBatchPayload): Promise<void> {
    const id = partitionId(state.topic, state.partition);
    let committed = (await this.#committed)?.get(id);
    committed ??= (await this.#readCommitted([state])).get(id);
    if (this.#partitions.get(state.topic, state.partition) !== state) return;
    if (!state.restored) {
      const progress = committed && decodeProgress(committed.offset, committed.metadata);
      if (committed?.metadata && progress === undefined)
        this.logger.warn(
          { partition: id },
          'commit metadata not ours or unreadable; starting from the offset',
        );
      state.restore(progress);
    }
    this.#take(state, payload);
  }

  /** Committed offsets and metadata; none (so only the offset counts) if they cannot be read. */
  async #readCommitted(partitions: ReadonlyArray<{ topic: string; partition: number }>): Promise<Committed> {
    try {
      if (partitions.length === 0 || this.#session === undefined) return new Map();
      return await this.#session.fetchCommitted(partitions);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the committed metadata; finished work may run again');
      return new Map();
    }
  }

  /** Per assigned partition: end offset (as of the last fetch) minus the commit position. */
  lag(): ConsumerLag[] {
    const lags: ConsumerLag[] = [];
    for (const state of this.#partitions.values()) {
      const position = state.tracker.watermark;
      if (position === undefined) continue;
      lags.push({
        source: state.topic,
        partition: state.partition,
        messages: Math.max(0, state.highWatermark - position),
      });
    }
    return lags;
  }

  /** Whether every fetched offset of the partition up to `offset` has finished (or it is gone). */
  finishedThrough(topic: string, partition: number, offset: number): boolean {
    const watermark = this.#partitions.get(topic, partition)?.tracker.watermark;
    return watermark === undefined || watermark > offset;
  }

  #redeliver(delivery: KafkaDelivery, delayMs: number, failed: boolean): void {
    this.#inFlight.settle();
    const state = this.#partitions.current(delivery);
    if (state === undefined || this.#closing) return this.#queue.settle(delivery);
    if (failed) {
      state.countFailure(delivery.offset);
      this.#commits.soon();
    }
    const redelivery = { ...delivery, attempt: state.attemptOf(delivery.offset) };
    this.#queue.park(redelivery, delayMs, Date.now());
    this.#waker.wake();
  }

  #finish(delivery: KafkaDelivery): void {
    this.#inFlight.settle();
    this.#queue.settle(delivery);
    const state = this.#partitions.current(delivery);
    if (state === undefined) return;
    if (state.finish(delivery.offset, delivery.bytes)) {
      this.#commits.soon();
      this.#backpressure.finished(state, delivery.bytes);
    }
    this.#finishWaiters.wake(delivery.topic, delivery.partition);
  }

  #dispatchable(): boolean {
    return !this.#rebalances.inProgress && !this.#closing;
  }
}
