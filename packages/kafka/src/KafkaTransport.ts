import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerLag, DeadLetterDetails, Transport, TransportMessage } from '@switchyard/core';
import type { EachBatchPayload } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConsumerSession, SessionListener, TopicPartition } from './ConsumerSession.js';
import { deadLetterHeaders } from './deadLetterHeaders.js';
import { DeliveryQueue } from './DeliveryQueue.js';
import { toDelivery } from './toDelivery.js';
import type { KafkaMode } from './KafkaConfig.js';
import { partitionId, type KafkaDelivery } from './KafkaDelivery.js';
import type { KafkaProducer } from './KafkaProducer.js';
import { PartitionStates } from './PartitionStates.js';
import { Waker } from './Waker.js';
import { Backpressure } from './Backpressure.js';
import { CommitLoop } from './CommitLoop.js';

export interface KafkaTransportOptions {
  readonly mode: KafkaMode;
  /** Fetched plus in-flight messages at which every partition pauses (resumes at 80 %). */
  readonly maxBuffered: number;
  readonly commitIntervalMs: number;
  readonly deadLetterTopicFor: (topic: string) => string;
  /** Longest a receive waits before returning empty, in milliseconds. */
  readonly waitMs?: number;
  /** Start-up checks run before subscribing (topics exist, dead-letter topics created). */
  readonly preflight?: () => Promise<void>;
}

/**
 * The pull contract over kafkajs's push model. Fetched records wait in a bounded queue that
 * `receive()` drains; `ack` and `deadLetter` finish an offset and the commit loop commits each
 * partition's contiguous finished prefix; `nack` retries in place (the key's order kept).
 * A rebalance bumps the epoch of revoked partitions, so late results from them are ignored.
 */
export class KafkaTransport implements Transport, SessionListener {
  readonly name = 'kafka';
  readonly #queue = new DeliveryQueue();
  readonly #partitions = new PartitionStates();
  readonly #waker = new Waker();
  readonly #commits: CommitLoop;
  readonly #backpressure: Backpressure;
  #session: ConsumerSession | undefined;
  #started: Promise<void> | undefined;
  #inFlight = 0;
  #rebalancing = false;
  #draining: Promise<void> | undefined;
  #closing = false;

  constructor(
    private readonly createSession: (listener: SessionListener) => ConsumerSession,
    private readonly producer: KafkaProducer,
    private readonly options: KafkaTransportOptions,
    private readonly logger: Logger,
  ) {
    this.#backpressure = new Backpressure(options.maxBuffered, () => this.#session);
    this.#commits = new CommitLoop(
      () => this.#partitions.values(),
      () => this.#session,
      logger,
    );
  }

  /** For health checks and tests: what is buffered and in flight, and how often intake paused. */
  get stats(): { buffered: number; inFlight: number; paused: boolean; pauses: number } {
    const paused = [...this.#partitions.values()].some((state) => state.paused);
    return {
      buffered: this.#queue.size,
      inFlight: this.#inFlight,
      paused,
      pauses: this.#backpressure.pauses,
    };
  }

  /** Connects, subscribes and starts committing; single-flight. The daemon awaits it before consuming. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      await this.options.preflight?.();
      const session = this.createSession(this);
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
      const failure = this.#session?.failure;
      if (failure !== undefined && failure !== 'not connected yet') throw new Error(`kafka: ${failure}`);
      const taken = this.#dispatchable() ? this.#queue.take(max, Date.now()) : [];
      const current = taken.filter((delivery) => {
        if (this.#partitions.current(delivery) !== undefined) return true;
        this.#queue.settle(delivery);
        return false;
      });
      this.#inFlight += current.length;
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

  async deadLetter(message: TransportMessage, details: DeadLetterDetails): Promise<void> {
    const delivery = message as KafkaDelivery;
    const topic = this.options.deadLetterTopicFor(delivery.topic);
    const key = delivery.rawKey;
    const body = delivery.body === null ? null : Buffer.from(delivery.body);
    // Produced and confirmed before the offset counts as finished: the dead letter is at-least-once too.
    await this.producer.sendRaw(topic, key, body, deadLetterHeaders(delivery, details));
    this.logger.warn({ messageId: delivery.id, topic, reason: details.reason }, 'dead-lettered');
    this.#finish(delivery);
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

  onBatch({ batch }: EachBatchPayload): void {
    const state = this.#partitions.ensure(batch.topic, batch.partition);
    state.highWatermark = Math.max(state.highWatermark, Number(batch.highWatermark));
    for (const record of batch.messages) {
      const delivery = toDelivery(batch.topic, batch.partition, record, state.epoch, this.options.mode);
      if (state.register(delivery.offset)) this.#queue.push(delivery);
    }
    this.#backpressure.update(state);
    this.#waker.wake();
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

  onRebalancing(): void {
    this.#rebalancing = true;
    void this.#commits.commitNow();
  }

  onAssigned(assigned: readonly TopicPartition[], memberChanged: boolean): void {
    const kept = new Set(assigned.map(({ topic, partition }) => partitionId(topic, partition)));
    this.#revoke((id) => memberChanged || !kept.has(id));
    this.#rebalancing = false;
    // The session resumed every assigned partition; pause again only where the backlog says so.
    for (const state of this.#partitions.values()) {
      state.paused = false;
      this.#backpressure.update(state);
    }
    this.#waker.wake();
  }

  onLost(): void {
    this.#revoke(() => true);
    this.#rebalancing = false;
  }

  finishedThrough(topic: string, partition: number, offset: number): boolean {
    const watermark = this.#partitions.get(topic, partition)?.tracker.watermark;
    return watermark === undefined || watermark > offset;
  }

  drainForRevoke(timeoutMs: number): Promise<void> {
    this.#rebalancing = true;
    this.#draining ??= (async () => {
      const deadline = Date.now() + timeoutMs;
      while (this.#inFlight > 0 && Date.now() < deadline) await sleep(20);
      await this.#commits.commitNow();
      this.logger.info({ stillRunning: this.#inFlight }, 'drained and committed before the rebalance');
    })().finally(() => (this.#draining = undefined));
    return this.#draining;
  }

  /** Drops what is buffered for revoked partitions; their in-flight results will be fenced. */
  #revoke(revoked: (id: string) => boolean): void {
    for (const state of this.#partitions.revoke(revoked)) {
      this.#queue.drop(
        (delivery) => delivery.topic === state.topic && delivery.partition === state.partition,
      );
      const id = partitionId(state.topic, state.partition);
      this.logger.info({ partition: id, unfinished: state.tracker.unfinishedCount }, 'partition revoked');
    }
  }

  #redeliver(delivery: KafkaDelivery, delayMs: number, failed: boolean): void {
    this.#inFlight -= 1;
    const state = this.#partitions.current(delivery);
    if (state === undefined || this.#closing) return this.#queue.settle(delivery);
    if (failed) state.countFailure(delivery.offset);
    const redelivery = { ...delivery, attempt: state.attemptOf(delivery.offset) };
    this.#queue.park(redelivery, delayMs, Date.now());
    this.#waker.wake();
  }

  #finish(delivery: KafkaDelivery): void {
    this.#inFlight -= 1;
    this.#queue.settle(delivery);
    const state = this.#partitions.current(delivery);
    if (state === undefined) return;
    state.finish(delivery.offset);
    this.#backpressure.update(state);
  }

  #dispatchable(): boolean {
    return !this.#rebalancing && !this.#closing;
  }
}
