import { partitionId } from './KafkaDelivery.js';

type FinishedThrough = (topic: string, partition: number, offset: number) => boolean;

/** Held batches waiting for a partition to finish through their last offset. */
export class FinishWaiters {
  readonly #waiters = new Map<string, Array<{ offset: number; resolve: () => void }>>();

  constructor(private readonly finishedThrough: FinishedThrough) {}

  when(topic: string, partition: number, offset: number): Promise<void> {
    if (this.finishedThrough(topic, partition, offset)) return Promise.resolve();
    return new Promise((resolve) => {
      const id = partitionId(topic, partition);
      const waiters = this.#waiters.get(id) ?? [];
      waiters.push({ offset, resolve });
      this.#waiters.set(id, waiters);
    });
  }

  /** The partition finished more (or is gone): resolves the waiters that are done. */
  wake(topic: string, partition: number): void {
    const id = partitionId(topic, partition);
    const waiters = this.#waiters.get(id);
    // Called per finished message: allocate only when some waiter is done.
    if (
      waiters === undefined ||
      !waiters.some(({ offset }) => this.finishedThrough(topic, partition, offset))
    )
      return;
    const waiting = waiters.filter(({ offset, resolve }) => {
      if (!this.finishedThrough(topic, partition, offset)) return true;
      resolve();
      return false;
    });
    if (waiting.length > 0) this.#waiters.set(id, waiting);
    else this.#waiters.delete(id);
  }
}
