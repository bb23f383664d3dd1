import { partitionId, type KafkaDelivery } from './KafkaDelivery.js';
import { PartitionState } from './PartitionState.js';

/**
 * The partitions this member holds now, each in its assignment epoch. A partition seen again after
 * a revoke gets a new epoch, so results for deliveries of the old one are recognised and fenced.
 */
export class PartitionStates {
  readonly #states = new Map<string, PartitionState>();
  #epoch = 0;

  values(): IterableIterator<PartitionState> {
    return this.#states.values();
  }

  ensure(topic: string, partition: number): PartitionState {
    const id = partitionId(topic, partition);
    let state = this.#states.get(id);
    if (state === undefined) {
      state = new PartitionState(topic, partition, ++this.#epoch);
      this.#states.set(id, state);
    }
    return state;
  }

  get(topic: string, partition: number): PartitionState | undefined {
    return this.#states.get(partitionId(topic, partition));
  }

  /** The delivery's partition state if it is still in the epoch the delivery was fetched in. */
  current(delivery: KafkaDelivery): PartitionState | undefined {
    const state = this.#states.get(partitionId(delivery.topic, delivery.partition));
    return state?.epoch === delivery.epoch ? state : undefined;
  }

  /** Forgets the partitions `revoked` selects and returns them. */
  revoke(revoked: (id: string) => boolean): PartitionState[] {
    const gone = [...this.#states].filter(([id]) => revoked(id));
    for (const [id] of gone) this.#states.delete(id);
    return gone.map(([, state]) => state);
  }
}
