import { performance } from 'node:perf_hooks';
import type { Admin, Kafka } from 'kafkajs';
import type { WireLogger } from './kafkaLane.js';
import { OrphanLedger } from './OrphanLedger.js';
import { isBusReplyTopic, removeGroupUnlessJoined, removeTopic } from './replyTopics.js';

/** Groups per DescribeGroups request: a group whose read fails keeps only its own batch from the sweep. */
const DESCRIBE_BATCH = 50;

export interface SweeperOptions {
  readonly kafka: Kafka;
  /** This client's own reply topic, never swept. */
  readonly ownTopic: string;
  /** How long a reply group must be seen without members before its topic and group are removed. */
  readonly graceMs: number;
  readonly logger: WireLogger;
}

/**
 * Removes the reply topics and groups of clients that died without closing (SIGKILL, OOM). Sweeps
 * at start and every half grace while the inbox is open: a `rpc.reply.<uuid>` topic or group is
 * removed once every sweep for `graceMs` saw its group without members (OrphanLedger). The group
 * goes first: the coordinator refuses to delete a group with a member, so a client that joined
 * after the last look keeps its group, and then its topic. Each removal is logged; a failure is
 * logged and tried again after another grace, never thrown. Its own admin client, connected
 * only during a sweep, so a deletion in progress never delays the wire's requests.
 */
export class OrphanReplySweeper {
  readonly #ledger: OrphanLedger;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly options: SweeperOptions) {
    this.#ledger = new OrphanLedger(options.graceMs);
    this.#intervalMs = Math.max(1000, Math.floor(options.graceMs / 2));
  }

  /** Sweeps now, in the background, and then every half grace until `stop`. */
  start(): void {
    this.#schedule(0);
  }

  /** No sweep after this one; a sweep under way ends quietly (the inbox is closing). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    // Up to a tenth later: clients started together (a deploy) do not sweep in step.
    const jitter = Math.floor(Math.random() * (delayMs / 10));
    this.#timer = setTimeout(() => {
      void this.#sweepQuietly().finally(() => this.#schedule(this.#intervalMs));
    }, delayMs + jitter);
    this.#timer.unref();
  }

  async #sweepQuietly(): Promise<void> {
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      await this.#sweep(admin);
    } catch (error) {
      if (!this.#stopped)
        this.options.logger.warn(
          { err: error },
          'could not look for the reply topics of clients that have gone; trying again at the next sweep',
        );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async #sweep(admin: Admin): Promise<void> {
    const [topics, { groups }] = await Promise.all([admin.listTopics(), admin.listGroups()]);
    const topicSet = new Set(topics);
    const candidates = [...new Set([...topics, ...groups.map(({ groupId }) => groupId)])].filter(
      (name) => isBusReplyTopic(name) && name !== this.options.ownTopic,
    );
    const memberless = await this.#memberless(admin, candidates);
    const due = this.#ledger.observe(performance.now(), memberless);
    for (const name of due) {
      if (this.#stopped) return;
      await this.#remove(admin, name, topicSet.has(name));
    }
    this.options.logger.debug(
      { replyTopics: candidates.length, memberless: memberless.size, due: due.length },
      'swept the reply topics and groups of other clients',
    );
  }

  /** The candidates whose group has no member (empty, or never joined); unreadable ones are left out. */
  async #memberless(admin: Admin, candidates: readonly string[]): Promise<Set<string>> {
    const memberless = new Set<string>();
    for (let start = 0; start < candidates.length; start += DESCRIBE_BATCH) {
      const batch = candidates.slice(start, start + DESCRIBE_BATCH);
      try {
        const { groups } = await admin.describeGroups(batch);
        for (const { groupId, state, members } of groups)
          if (members.length === 0 && (state === 'Empty' || state === 'Dead')) memberless.add(groupId);
      } catch (error) {
        if (!this.#stopped)
          this.options.logger.warn(
            { err: error, groups: batch.length },
            'could not read the state of some reply groups; they are kept, and looked at again at the next sweep',
          );
      }
    }
    return memberless;
  }

  async #remove(admin: Admin, name: string, hasTopic: boolean): Promise<void> {
    const now = performance.now();
    const memberlessForMs = Math.round(this.#ledger.memberlessFor(name, now));
    try {
      const group = await removeGroupUnlessJoined(admin, name);
      if (group === 'has members') {
        this.#ledger.forget(name);
        return;
      }
      const topic = hasTopic ? await removeTopic(admin, name) : 'absent';
      this.#ledger.forget(name);
      if (group === 'absent' && topic === 'absent') return; // another client's sweep was first
      this.options.logger.info(
        {
          topic: name,
          topicRemoved: topic === 'removed',
          groupRemoved: group === 'removed',
          memberlessForMs,
        },
        `removed the reply topic and group of a client that has gone (its group had no member for ${memberlessForMs} ms)`,
      );
    } catch (error) {
      if (this.#stopped) return;
      this.#ledger.postpone(name, now);
      this.options.logger.warn(
        { err: error, topic: name, memberlessForMs },
        `could not remove the reply topic and group of a client that has gone; tried again in ${this.options.graceMs} ms ` +
          '(delete them by hand, or allow it: delete.topic.enable, ACLs; the wire option replyOrphanGraceMs: 0 stops the sweep)',
      );
    }
  }
}
