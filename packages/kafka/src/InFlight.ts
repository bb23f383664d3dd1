import { setTimeout as sleep } from 'node:timers/promises';

/** Messages handed to the runner and not yet done with; a drain waits for none to be left. */
export class InFlight {
  #count = 0;
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;

  get count(): number {
    return this.#count;
  }

  add(count: number): void {
    this.#count += count;
  }

  /** One message is done with (finished or handed back). */
  settle(): void {
    this.#count -= 1;
    if (this.#count === 0 && this.#idle !== undefined) {
      this.#idle.resolve();
      this.#idle = undefined;
    }
  }

  /** Resolves when none is in flight, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    if (this.#count <= 0) return;
    this.#idle ??= withResolvers();
    await Promise.race([this.#idle.promise, sleep(timeoutMs, undefined, { ref: false })]);
  }
}

function withResolvers(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
