/**
 * Whether the consumer can work now, as a value: `connecting` until its first assignment, `down`
 * after a crash or a stall until a restarted consumer joins, `silent` when no broker has answered
 * for three heartbeat intervals (kafkajs retries a broker that went away quietly, so without this a
 * broker outage would never show).
 */
export type ConsumerState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'down'; readonly reason: string }
  | { readonly kind: 'silent'; readonly silentMs: number };

/** Why the consumer cannot work in `state`, for readiness and errors; undefined when it can. */
export function describeConsumerState(state: ConsumerState): string | undefined {
  switch (state.kind) {
    case 'ready':
      return undefined;
    case 'connecting':
      return 'not connected yet';
    case 'down':
      return state.reason;
    case 'silent':
      return `no answer from the brokers for ${state.silentMs} ms`;
  }
}

/** Follows the consumer's joins, losses and broker answers; `state` is computed when asked. */
export class ConsumerReadiness {
  #state: ConsumerState = { kind: 'connecting' };
  /** Last answer from the brokers (a fetch or heartbeat response). */
  #lastContact = Date.now();

  /** @param silenceLimitMs no broker answer for longer than this means `silent`. */
  constructor(private readonly silenceLimitMs: number) {}

  get state(): ConsumerState {
    if (this.#state.kind !== 'ready') return this.#state;
    const silentMs = Date.now() - this.#lastContact;
    return silentMs > this.silenceLimitMs ? { kind: 'silent', silentMs } : this.#state;
  }

  contact(): void {
    this.#lastContact = Date.now();
  }

  joined(): void {
    this.#state = { kind: 'ready' };
    this.contact();
  }

  down(reason: string): void {
    this.#state = { kind: 'down', reason };
  }
}
