import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** What the session reports to the transport; everything runs on the event loop, one at a time. */
// A held batch asks for a heartbeat this often while it waits for its messages to finish.
const HOLD_HEARTBEAT_MS = 250;

export interface SessionListener {
  /** May wait (once per assignment) for the committed metadata before taking the batch. */
  onBatch(payload: EachBatchPayload): void | Promise<void>;
  /** A rebalance started: stop dispatching and commit now, while the old generation still counts. */
  onRebalancing(): void;
  /** The group assigned these partitions; `memberChanged` means every earlier state is void. */
  onAssigned(assigned: readonly TopicPartition[], memberChanged: boolean): void;
  /** The consumer crashed or is being restarted: every partition is lost. */
  onLost(): void;
  /** Whether every fetched offset of the partition up to `offset` has finished (or it is gone). */
  finishedThrough(topic: string, partition: number, offset: number): boolean;
  /** Resolves once `finishedThrough` holds: the hold loop waits on it instead of polling. */
  whenFinishedThrough(topic: string, partition: number, offset: number): Promise<void>;
  /** kafkajs is about to rejoin: stop dispatching, let in-flight work finish (bounded), commit it. */
  drainForRevoke(timeoutMs: number): Promise<void>;
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
}

/**
 * The kafkajs consumer's life: run with manual commits, follow rebalances through its events,
 * restart it (with backoff) after a crash kafkajs does not recover from, or when it stalls without
 * fetching — a known kafkajs failure mode. `failure` is set while it is down, for readiness.
 */
export class ConsumerSession {
  #consumer: Consumer | undefined;
  #memberId: string | undefined;
  #assigned: TopicPartition[] = [];
  #lastActivity = Date.now();
  /** Last answer from the brokers (a fetch or heartbeat response), for readiness. */
  #lastContact = Date.now();
  #watchdog: NodeJS.Timeout | undefined;
  #restarts = 0;
  #restarting = false;
  /** Set when the consumer a restart is starting crashes for good before start() returns. */
  #crashedWhileRestarting = false;
  /** Counts assignments and losses: a held batch of an earlier one must not drain the current one. */
  #generation = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #restartRun: Promise<void> | undefined;
  #stopping = false;
  #failure: string | undefined = 'not connected yet';
  /** Reads committed metadata (see fetchCommitted). */
  #admin: Promise<Admin> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: SessionOptions,
    private readonly listener: SessionListener,
    private readonly logger: Logger,
  ) {}

  /**
   * Why the consumer cannot work now, for readiness: not connected yet, crashed, stalled, or no
   * answer from the brokers for three heartbeat intervals (kafkajs retries a broker that went away
   * quietly, so without this a broker outage would never show).
   */
  get failure(): string | undefined {
    if (this.#failure !== undefined) return this.#failure;
    const silentMs = Date.now() - this.#lastContact;
    const limitMs =
      3 * (this.options.consumer.heartbeatInterval ?? 3000) + (this.options.consumer.maxWaitTimeInMs ?? 500);
    return silentMs > limitMs ? `no answer from the brokers for ${silentMs} ms` : undefined;
  }

  get assigned(): readonly TopicPartition[] {
    return this.#assigned;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer(this.options.consumer);
    this.#consumer = consumer;
    const { events } = consumer;
    // A consumer replaced by a restart may still report (its crash, its late join): ignore it.
    const current = (): boolean => this.#consumer === consumer;
    consumer.on(events.FETCH_START, () => current() && this.#touch());
    consumer.on(events.HEARTBEAT, () => current() && this.#touch(true));
    consumer.on(events.FETCH, () => current() && this.#touch(true));
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
      this.#failure = undefined;
      this.#touch(true);
      this.listener.onAssigned(this.#assigned, memberChanged);
    });
    consumer.on(events.CRASH, ({ payload }) => {
      if (!current()) return;
      this.logger.error({ err: payload.error, restart: payload.restart }, 'kafka consumer crashed');
      this.#lose(`consumer crashed: ${payload.error.message}`);
      // kafkajs restarts the consumer itself only when it says so; otherwise this one is dead. A
      // crash while a restart is joining the group (run() resolves after it) is retried by that restart.
      if (payload.restart) return;
      if (this.#restarting) this.#crashedWhileRestarting = true;
      else this.#scheduleRestart();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning });
    const holding = this.options.revokeDrainMs > 0;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Held batches each occupy a kafkajs worker until they finish: one per partition.
      partitionsConsumedConcurrently: holding ? 64 : 1,
      eachBatch: async (payload) => {
        this.#touch();
        if (!current() || this.#stopping || !payload.isRunning() || payload.isStale()) return;
        await this.listener.onBatch(payload);
        if (!current() || this.#stopping || !payload.isRunning() || payload.isStale()) return;
        // Moves only the fetch position (auto-commit is off); commits come from the offset trackers.
        payload.resolveOffset(payload.batch.lastOffset());
        if (holding) await this.#holdUntilFinished(payload, current);
      },
    });
    // Stopped while this (re)start was connecting: leave at once rather than outlive the session.
    if (this.#stopping) return consumer.disconnect();
    this.#touch();
    this.#watchdog ??= setInterval(() => this.#checkStall(), Math.max(1000, this.options.stallTimeoutMs / 4));
    this.#watchdog.unref();
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

  /**
   * The group's committed offset and metadata for `partitions`, by `topic/partition`. kafkajs's
   * consumer reads the committed offsets but drops their metadata, so this asks through an admin
   * client (one per session, connected on first use).
   */
  async fetchCommitted(
    partitions: readonly TopicPartition[],
  ): Promise<Map<string, { offset: number; metadata: string | null }>> {
    const committed = new Map<string, { offset: number; metadata: string | null }>();
    const topics = [...new Set(partitions.map(({ topic }) => topic))];
    if (topics.length === 0) return committed;
    this.#admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    const admin = await this.#admin.catch((error: unknown) => {
      this.#admin = undefined;
      throw error;
    });
    const groupId = this.options.consumer.groupId;
    for (const { topic, partitions: found } of await admin.fetchOffsets({ groupId, topics }))
      for (const { partition, offset, metadata } of found)
        committed.set(`${topic}/${partition}`, { offset: Number(offset), metadata });
    return committed;
  }

  /** Leaves the group; a restart under way is cancelled or waited for, so no consumer outlives this. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#watchdog);
    clearTimeout(this.#restartTimer);
    // Unref’d: a timer must not keep a stopped daemon alive.
    await Promise.race([this.#restartRun, sleep(10_000, undefined, { ref: false })]);
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.disconnect();
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.then((client) => client.disconnect()).catch(() => undefined);
  }

  /**
   * kafkajs rejoins a group only once every running eachBatch has returned: holding the batch
   * until its messages finish is the one way to drain before a revoke (kafkajs has no revoke
   * callback). Heartbeats go on meanwhile; the first that reports a rebalance triggers the drain.
   */
  async #holdUntilFinished(payload: EachBatchPayload, current: () => boolean): Promise<void> {
    const { topic, partition } = payload.batch;
    const last = Number(payload.batch.lastOffset());
    const generation = this.#generation;
    // A batch of a replaced consumer or an earlier assignment: its drain would stop the dispatch of
    // the current assignment, which no rebalance would then resume.
    const outdated = (): boolean =>
      !current() ||
      this.#generation !== generation ||
      this.#stopping ||
      !payload.isRunning() ||
      payload.isStale();
    const finished = this.listener.whenFinishedThrough(topic, partition, last);
    while (!this.listener.finishedThrough(topic, partition, last)) {
      if (outdated()) return;
      try {
        await payload.heartbeat();
      } catch (error) {
        const rebalancing = (error as { type?: string }).type === 'REBALANCE_IN_PROGRESS';
        if (rebalancing && !outdated()) await this.listener.drainForRevoke(this.options.revokeDrainMs);
        throw error;
      }
      this.#touch();
      // Woken the moment the batch finishes; meanwhile a heartbeat (kafkajs throttles them) asks
      // whether a rebalance has begun.
      await raceTimeout(finished, HOLD_HEARTBEAT_MS);
    }
  }

  #touch(contact = false): void {
    this.#lastActivity = Date.now();
    if (contact) this.#lastContact = this.#lastActivity;
  }

  #lose(reason: string): void {
    this.#failure = reason;
    this.#generation += 1;
    this.#assigned = [];
    this.#memberId = undefined;
    this.listener.onLost();
  }

  #checkStall(): void {
    if (this.#stopping || this.#restarting) return;
    if (Date.now() - this.#lastActivity < this.options.stallTimeoutMs) return;
    this.logger.error(
      { stalledMs: Date.now() - this.#lastActivity },
      'kafka consumer stalled; restarting it',
    );
    this.#touch();
    this.#lose('consumer stalled');
    this.#scheduleRestart();
  }

  /** One restart at a time: the watchdog and crash events wait until it has succeeded or failed. */
  #scheduleRestart(): void {
    if (this.#stopping || this.#restarting) return;
    this.#restarting = true;
    const delayMs = Math.min(30_000, 500 * 2 ** Math.min(this.#restarts++, 6));
    const old = this.#consumer;
    this.#consumer = undefined;
    this.#restartTimer = setTimeout(() => {
      this.#restartRun = (async () => {
        // A hung broker can hang the goodbye too; the new consumer need not wait for it.
        await Promise.race([
          old?.disconnect().catch(() => undefined),
          sleep(5000, undefined, { ref: false }),
        ]);
        if (this.#stopping) return;
        try {
          this.#crashedWhileRestarting = false;
          await this.start();
          if (this.#crashedWhileRestarting)
            throw new Error('the new consumer crashed while joining the group');
          this.#restarts = 0;
          this.logger.info('kafka consumer restarted');
        } catch (error) {
          this.logger.error({ err: error }, 'kafka consumer restart failed; trying again');
          this.#restarting = false;
          this.#scheduleRestart();
          return;
        }
        this.#restarting = false;
        this.#touch();
      })().finally(() => (this.#restartRun = undefined));
    }, delayMs);
  }
}

function group(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions)
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}

/** `work`, or `ms` if that comes first; the timer is cleared either way. */
async function raceTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
