import type { ApiEvent } from './decorators.js';

/** Per-call options of a typed client method. */
export interface CallOptions {
  /**
   * Milliseconds the caller waits for the reply (default `rpc.defaultDeadlineMs`, 5000). Inside a
   * served call the remaining time of that call caps it.
   */
  readonly deadlineMs?: number;
  /**
   * For an idempotent method: the key the server runs once (default: a new one per call). Give your
   * own (an order id, a payment reference) to make a call made again after a client restart
   * answer from the first run instead of running twice.
   */
  readonly idempotencyKey?: string;
}

/** A listener: runs in the daemon's pipeline, so a throw is retried and then dead-lettered. */
export type EventListener<T> = (payload: T, context: ListenerContext) => Promise<void> | void;

export interface ListenerContext {
  readonly api: string;
  readonly event: string;
  readonly listenerName: string;
  readonly attempt: number;
  readonly signal: AbortSignal;
}

export interface ListenOptions {
  /** Names the listener's own durable queue: each name receives every event once. */
  readonly listenerName: string;
}

export interface EventClient<T extends object> {
  /** Validates and publishes the event to every listener; only the daemon serving the API may. */
  fire(payload: T): Promise<void>;
  /** Subscribes a durable listener in this daemon; resolves once it consumes. */
  listen(listener: EventListener<T>, options: ListenOptions): Promise<void>;
}

type Method = (params: never, ...rest: never[]) => unknown;

/**
 * The typed client of an API class: each method takes the same parameter and resolves with the
 * same result as the served method (over the bus), and each `ApiEvent` field gets `fire`/`listen`.
 * A wrong argument is a compile error.
 */
export type ApiClient<T> = {
  readonly [K in keyof T as T[K] extends Method | ApiEvent<object> ? K : never]: T[K] extends ApiEvent<
    infer E
  >
    ? EventClient<E>
    : T[K] extends (params: infer P, ...rest: never[]) => infer R
      ? (params: P, options?: CallOptions) => Promise<Awaited<R>>
      : never;
};
