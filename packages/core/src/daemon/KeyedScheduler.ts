/**
 * Runs tasks at once, except that tasks sharing an ordering key run one after another in the
 * order they were submitted (FIFO group ids, Kafka keys). Concurrency is bounded by the caller,
 * which never submits more than it can hold.
 */
export class KeyedScheduler {
  readonly #tails = new Map<string, Promise<void>>();

  submit(key: string | undefined, task: () => Promise<void>): void {
    if (key === undefined) {
      void task();
      return;
    }
    const previous = this.#tails.get(key) ?? Promise.resolve();
    // Tasks handle their own errors; the catch only keeps one bug from stalling a key forever.
    const tail = previous.then(task).catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
  }

  /** Keys with queued or running tasks. */
  get activeKeys(): number {
    return this.#tails.size;
  }
}
