/**
 * The SDK client the SQS transport and the SQS producer share: destroyed (its keep-alive sockets
 * closed, so the process can exit) only when the last of them has closed. Destroying it under a
 * send still in flight would make the SDK retry that send on a new socket, and the queue would
 * get the message twice.
 */
export class SharedClient {
  #users = 0;

  constructor(private readonly client: { destroy(): void }) {}

  /** Counts one user in; the function it returns (safe to call twice) counts it out. */
  use(): () => void {
    this.#users += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#users -= 1;
      if (this.#users === 0) this.client.destroy();
    };
  }
}
