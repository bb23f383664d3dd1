import type { Logger } from 'pino';
import type { Backpressure } from './Backpressure.js';
import type { CommitLoop } from './CommitLoop.js';
import type { RebalanceListener, TopicPartition } from './ConsumerSession.js';
import type { DeliveryQueue } from './DeliveryQueue.js';
import type { FinishWaiters } from './FinishWaiters.js';
import type { InFlight } from './InFlight.js';
import { partitionId } from './KafkaDelivery.js';
import type { PartitionStates } from './PartitionStates.js';
import type { Waker } from './Waker.js';

/** The transport's parts a rebalance acts on. */
export interface RebalanceParts {
  readonly partitions: PartitionStates;
  readonly queue: DeliveryQueue;
  readonly commits: CommitLoop;
  readonly backpressure: Backpressure;
  readonly waker: Waker;
  readonly inFlight: InFlight;
  readonly finishWaiters: FinishWaiters;
  /** Partitions new to this member: their committed metadata is read before their first batch. */
  readonly readCommitted: (partitions: readonly TopicPartition[]) => void;
  readonly logger: Logger;
}

/**
 * What the transport does on the group's rebalance events: while one runs nothing is dispatched
 * and what finished is committed (while the old generation still counts); revoked partitions drop
 * what they buffered (late results for them are fenced by their epoch); a held batch's drain lets
 * in-flight work finish, bounded, and commits it before the partitions are given up.
 */
export class Rebalances implements RebalanceListener {
  #rebalancing = false;
  #draining: Promise<void> | undefined;

  constructor(private readonly parts: RebalanceParts) {}

  /** Whether a rebalance is under way (nothing is dispatched meanwhile). */
  get inProgress(): boolean {
    return this.#rebalancing;
  }

  onRebalancing(): void {
    this.#rebalancing = true;
    void this.parts.commits.commitNow();
  }

  onAssigned(assigned: readonly TopicPartition[], memberChanged: boolean): void {
    const { partitions, backpressure, waker } = this.parts;
    const kept = new Set(assigned.map(({ topic, partition }) => partitionId(topic, partition)));
    this.#revoke((id) => memberChanged || !kept.has(id));
    this.parts.readCommitted(
      assigned.filter(({ topic, partition }) => partitions.get(topic, partition) === undefined),
    );
    this.#rebalancing = false;
    // The session resumed every assigned partition; pause again only where the backlog says so.
    backpressure.assigned(assigned, partitions.values());
    waker.wake();
  }

  onLost(): void {
    this.#revoke(() => true);
    this.parts.backpressure.assigned([], []);
    this.#rebalancing = false;
  }

  drainForRevoke(timeoutMs: number): Promise<void> {
    this.#rebalancing = true;
    this.#draining ??= (async () => {
      await this.parts.inFlight.idle(timeoutMs);
      await this.parts.commits.commitNow();
      this.parts.logger.info(
        { stillRunning: this.parts.inFlight.count },
        'drained and committed before the rebalance',
      );
    })().finally(() => (this.#draining = undefined));
    return this.#draining;
  }

  /** Drops what is buffered for revoked partitions; their in-flight results will be fenced. */
  #revoke(revoked: (id: string) => boolean): void {
    const { partitions, queue, finishWaiters, logger } = this.parts;
    for (const state of partitions.revoke(revoked)) {
      queue.drop((delivery) => delivery.topic === state.topic && delivery.partition === state.partition);
      finishWaiters.wake(state.topic, state.partition);
      logger.info(
        { partition: partitionId(state.topic, state.partition), unfinished: state.tracker.unfinishedCount },
        'partition revoked',
      );
    }
  }
}
