import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { BatchHold, type HoldListener } from './BatchHold.js';
import { GroupAdmin, type Committed } from './GroupAdmin.js';
import { evictPredecessors } from './instanceIdentity.js';
import { ConsumerReadiness, describeConsumerState, type ConsumerState } from './ConsumerReadiness.js';
import { ConsumerRestarts } from './ConsumerRestarts.js';
import { StallWatchdog } from './StallWatchdog.js';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** The group's rebalance events, as the session reports them. */
export interface RebalanceListener extends Pick<HoldListener, 'drainForRevoke'> {
  /** A rebalance started: stop dispatching and commit now, while the old generation still counts. */
  onRebalancing(): void;
  /** The group assigned these partitions; `memberChanged` means every earlier state is void. */
  onAssigned(assigned: readonly TopicPartition[], memberChanged: boolean): void;
  /** The consumer crashed or is being restarted: every partition is lost. */
  onLost(): void;
}

/** What the session reports to the transport; everything runs on the event loop, one at a time. */
export interface SessionListener extends RebalanceListener, HoldListener {
  /** May wait (once per assignment) for the committed metadata before taking the batch. */
  onBatch(payload: EachBatchPayload): void | Promise<void>;
  /** A fetch is about to be sent: what it asks for may still be paused or resumed now. */
  onFetchStart(): void;
}

export interface SessionOptions {
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly consumer: ConsumerConfig;
  readonly stallTimeoutMs: number;
  /**
   * > 0: each fetched batch is held (heartbeating) until its messages finish, so kafkajs cannot
   * rejoin the group while they run; on a rebalance in-flight work gets this long to finish and
   * is committed before the partitions are given up. 0: batches are handed over at once.
   */
  readonly revokeDrainMs: number;
  /**
   * This process's instance id (`kafka.instanceId`; '' for none): members of the group carrying
   * it before the join are crashed predecessors, removed so the join need not wait for their
   * session timeout (see instanceIdentity.ts). The consumer's assigner must carry it too.
   */
  readonly instanceId?: string;
}

/** A hung broker can hang a replaced consumer's goodbye; its successor waits no longer than this. */
const OLD_CONSUMER_DISCONNECT_MS = 5000;

/**
 * The kafkajs consumer's life: run with manual commits, follow rebalances through its events, and
 * replace it (see ConsumerRestarts) after a crash kafkajs does not recover from, or when it stalls
 * without fetching (see StallWatchdog). Readiness is a value (see ConsumerReadiness).
 */
export class ConsumerSession {
  #consumer: Consumer | undefined;
  /** The consumer a scheduled restart replaces, disconnected before its successor starts. */
  #retired: Consumer | undefined;
  #memberId: string | undefined;
  #assigned: TopicPartition[] = [];
  /** Counts assignments and losses: a held batch of an earlier one must not drain the current one. */
  #generation = 0;
  #stopping = false;
  readonly #readiness: ConsumerReadiness;
  readonly #watchdog: StallWatchdog;
  readonly #restarts: ConsumerRestarts;
  readonly #hold: BatchHold;
  readonly #admin: GroupAdmin;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: SessionOptions,
    private readonly listener: SessionListener,
    private readonly logger: Logger,
  ) {
    const { heartbeatInterval = 3000, maxWaitTimeInMs = 500, groupId } = options.consumer;
    this.#readiness = new ConsumerReadiness(3 * heartbeatInterval + maxWaitTimeInMs);
    this.#restarts = new ConsumerRestarts(
      { retire: () => this.#retire(), restart: () => this.#restart() },
      logger,
    );
    this.#watchdog = new StallWatchdog(
      options.stallTimeoutMs,
      () => this.#stopping || this.#restarts.restarting,
      (stalledMs) => {
        this.logger.error({ stalledMs }, 'kafka consumer stalled; restarting it');
        this.#lose('consumer stalled');
        this.#restarts.schedule();
      },
    );
    this.#hold = new BatchHold(listener, options.revokeDrainMs);
    this.#admin = new GroupAdmin(kafka, groupId);
  }

  /** Whether the consumer can work now (see ConsumerState). */
  get state(): ConsumerState {
    return this.#readiness.state;
  }

  /** Why the consumer cannot work now, for readiness; undefined when it can. */
  get failure(): string | undefined {
    return describeConsumerState(this.state);
  }

  get assigned(): readonly TopicPartition[] {
    return this.#assigned;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer(this.options.consumer);
    this.#consumer = consumer;
    // A consumer replaced by a restart may still report (its crash, its late join): ignore it.
    const current = (): boolean => this.#consumer === consumer;
    this.#follow(consumer, current);
    // Connected while the consumer joins: the committed metadata is read right after the join.
    this.#admin.connect();
    await this.#evictPredecessors();
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning });
    const holding = this.options.revokeDrainMs > 0;
    const gone = (payload: EachBatchPayload): boolean =>
      !current() || this.#stopping || !payload.isRunning() || payload.isStale();
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Held batches each occupy a kafkajs worker until they finish: one per partition.
      partitionsConsumedConcurrently: holding ? 64 : 1,
      eachBatch: async (payload) => {
        this.#watchdog.touch();
        if (gone(payload)) return;
        const generation = this.#generation;
        await this.listener.onBatch(payload);
        if (gone(payload)) return;
        // Moves only the fetch position (auto-commit is off); commits come from the offset trackers.
        payload.resolveOffset(payload.batch.lastOffset());
        if (holding)
          await this.#hold.hold(
            payload,
            () => gone(payload) || this.#generation !== generation,
            () => this.#watchdog.touch(),
          );
      },
    });
    // Stopped while this (re)start was connecting: leave at once rather than outlive the session.
    if (this.#stopping) return consumer.disconnect();
    this.#watchdog.start();
  }

  pause(partitions: readonly TopicPartition[]): void {
    if (partitions.length > 0) this.#consumer?.pause(group(partitions));
  }

  resume(partitions: readonly TopicPartition[]): void {
    if (partitions.length > 0) this.#consumer?.resume(group(partitions));
  }

  async commit(
    entries: ReadonlyArray<TopicPartition & { offset: number; metadata?: string | null }>,
  ): Promise<void> {
    const consumer = this.#consumer;
    if (consumer === undefined || entries.length === 0) return;
    await consumer.commitOffsets(
      entries.map((entry) => ({ ...entry, offset: String(entry.offset), metadata: entry.metadata ?? null })),
    );
  }

  /** The group's committed offset and metadata for `partitions`, by `topic/partition`. */
  fetchCommitted(partitions: readonly TopicPartition[]): Promise<Committed> {
    return this.#admin.readCommitted(partitions);
  }

  /** Leaves the group; a restart under way is cancelled or waited for, so no consumer outlives this. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#watchdog.stop();
    await this.#restarts.stop();
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.disconnect();
    await this.#admin.close();
  }

  /** The consumer's events: activity, broker answers, rebalances, crashes. */
  #follow(consumer: Consumer, current: () => boolean): void {
    const { events } = consumer;
    const contact = (): void => {
      this.#watchdog.touch();
      this.#readiness.contact();
    };
    consumer.on(events.FETCH_START, () => {
      if (!current()) return;
      this.#watchdog.touch();
      this.listener.onFetchStart();
    });
    consumer.on(events.HEARTBEAT, () => current() && contact());
    consumer.on(events.FETCH, () => current() && contact());
    consumer.on(events.REBALANCING, () => current() && this.listener.onRebalancing());
    consumer.on(events.GROUP_JOIN, ({ payload }) => {
      if (!current()) return;
      const memberChanged = this.#memberId !== undefined && this.#memberId !== payload.memberId;
      this.#memberId = payload.memberId;
      this.#generation += 1;
      this.#assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      // kafkajs keeps pause state across rebalances: start every assignment unpaused.
      this.resume(this.#assigned);
      this.#readiness.joined();
      this.#watchdog.touch();
      // joinMs: JoinGroup to SyncGroup; after a crash, mostly the wait for the dead member to go.
      this.logger.info(
        { joinMs: payload.duration, memberId: payload.memberId, partitions: this.#assigned.length },
        'joined the kafka group',
      );
      this.listener.onAssigned(this.#assigned, memberChanged);
    });
    consumer.on(events.CRASH, ({ payload }) => {
      if (!current()) return;
      this.logger.error({ err: payload.error, restart: payload.restart }, 'kafka consumer crashed');
      this.#lose(`consumer crashed: ${payload.error.message}`);
      // kafkajs restarts the consumer itself only when it says so; otherwise this one is dead. A
      // crash while a restart is joining the group (run() resolves after it) fails that restart.
      if (payload.restart) return;
      if (this.#restarts.restarting) this.#restarts.failedWhileStarting();
      else this.#restarts.schedule();
    });
  }

  /** Best effort: without it the join waits for the predecessors' session timeout, as before. */
  async #evictPredecessors(): Promise<void> {
    const { instanceId } = this.options;
    if (!instanceId) return;
    try {
      const members = await this.#admin.members();
      await evictPredecessors(this.kafka, this.options.consumer.groupId, instanceId, members, this.logger);
    } catch (error) {
      this.logger.warn(
        { err: error, instanceId },
        'could not remove crashed predecessors from the group; the join waits for their session timeout',
      );
    }
  }

  #lose(reason: string): void {
    this.#readiness.down(reason);
    this.#generation += 1;
    this.#assigned = [];
    this.#memberId = undefined;
    this.listener.onLost();
  }

  #retire(): void {
    this.#retired = this.#consumer;
    this.#consumer = undefined;
  }

  async #restart(): Promise<void> {
    const old = this.#retired;
    this.#retired = undefined;
    await Promise.race([
      old?.disconnect().catch(() => undefined),
      sleep(OLD_CONSUMER_DISCONNECT_MS, undefined, { ref: false }),
    ]);
    if (this.#stopping) return;
    await this.start();
    this.#watchdog.touch();
  }
}

function group(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions)
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}
