import { MemoryQueue, type MemoryQueueOptions } from './MemoryQueue.js';

/** Named in-memory queues, each with its dead-letter queue `<name>.dlq`. One per process by default. */
export class MemoryBroker {
  readonly #queues = new Map<string, MemoryQueue>();

  constructor(
    readonly defaults: Pick<MemoryQueueOptions, 'visibilityTimeoutSeconds'> = {
      visibilityTimeoutSeconds: 30,
    },
  ) {}

  queue(name: string): MemoryQueue {
    let queue = this.#queues.get(name);
    if (queue === undefined) {
      const deadLetterQueue = name.endsWith('.dlq') ? undefined : this.queue(`${name}.dlq`);
      queue = new MemoryQueue(name, { ...this.defaults, deadLetterQueue });
      this.#queues.set(name, queue);
    }
    return queue;
  }

  deadLetterQueue(name: string): MemoryQueue {
    return this.queue(`${name}.dlq`);
  }
}
