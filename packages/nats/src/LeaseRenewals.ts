import type { JsMsg } from '@nats-io/jetstream';

/**
 * JetStream's `working()` restarts a message's ack_wait but cannot ask for longer. An `extend` for
 * more than the ack_wait is kept by calling `working()` again every half ack_wait until the asked
 * time is over or the message is finished (ack, nack, term) or the transport closes.
 */
export class LeaseRenewals {
  readonly #timers = new Map<JsMsg, NodeJS.Timeout>();

  constructor(private readonly ackWaitSeconds: () => number) {}

  /** `working()` now, and again until `seconds` from now have passed. */
  extend(message: JsMsg, seconds: number): void {
    this.stop(message);
    message.working();
    const ackWaitMs = this.ackWaitSeconds() * 1000;
    if (seconds * 1000 <= ackWaitMs) return;
    const until = performance.now() + seconds * 1000;
    const every = ackWaitMs / 2;
    const renew = (): void => {
      if (performance.now() >= until) {
        this.#timers.delete(message);
        return;
      }
      try {
        message.working();
      } catch {
        // The connection is gone: the server redelivers after ack_wait, which is the crash promise.
        this.#timers.delete(message);
        return;
      }
      this.#timers.set(message, setTimeout(renew, every).unref());
    };
    this.#timers.set(message, setTimeout(renew, every).unref());
  }

  /** The message is finished or handed back: no more renewals. */
  stop(message: JsMsg): void {
    const timer = this.#timers.get(message);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(message);
  }

  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
