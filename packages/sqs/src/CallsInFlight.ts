/**
 * Calls still running on a client, so its close can let them finish before the client goes away
 * (bounded: a server that never answers must not hold the stop forever).
 */
export class CallsInFlight {
  readonly #calls = new Set<Promise<unknown>>();

  track<T>(call: Promise<T>): Promise<T> {
    this.#calls.add(call);
    call.then(
      () => this.#calls.delete(call),
      () => this.#calls.delete(call),
    );
    return call;
  }

  /** Resolves once every call running now has settled, or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    if (this.#calls.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.#calls]), timeout]);
    clearTimeout(timer);
  }
}
