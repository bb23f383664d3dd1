import type { Transport } from '@switchyard/core';

/** What a wire knows of who serves an API now. */
export type Served =
  /** Nobody serves it: a call fails at once with SWITCHYARD_RPC_API_UNKNOWN. */
  | { readonly served: false }
  /**
   * Some daemon serves it. `methods` when the wire knows them (a call to another method fails at
   * once); without it the serving daemon answers an unknown method with METHOD_UNKNOWN.
   */
  | { readonly served: true; readonly methods?: ReadonlySet<string> };

/** A call on its way to the daemon serving its API. */
export interface OutgoingCall {
  /** The JSON envelope (RpcRequest), media type `application/vnd.switchyard.rpc.request`. */
  readonly body: string;
  readonly correlationId: string;
  /** Epoch ms after which nobody waits for the reply; wires carry it as `x-switchyard-deadline`. */
  readonly deadline: number;
  /**
   * The caller's inbox address (as in the body): a wire that learns at once that nobody took the
   * call (NATS core calls) answers it there with SWITCHYARD_RPC_API_UNKNOWN instead of letting it
   * wait out its deadline.
   */
  readonly replyTo?: string;
}

/** A client's reply channel: replies to its calls arrive there, matched by correlation id. */
export interface Inbox {
  /** Goes into each call's `replyTo`; what `sendReply` is given on the serving side. */
  readonly address: string;
  /** Removes the channel (a reply queue or topic is deleted); replies sent after it are dropped. */
  close(): Promise<void>;
}

/** A queue (topic, subject + durable) a daemon consumes through its pipeline. */
export interface Lane {
  /** Its name, for logs and `switchyard inspect`. */
  readonly address: string;
  readonly transport: Transport;
}

/**
 * What RPC and events need from a bus, beyond core's consuming contract. Implemented on the embedded
 * bus (memoryWire) and by `@switchyard/rpc/{kafka,sqs,nats}`. One wire serves one process: a
 * client's calls and replies, and on a daemon its served APIs and listeners.
 */
export interface RpcWire {
  /** The transport's name, as core's (`memory`, `kafka`, `sqs`, `nats`). */
  readonly name: string;
  /** Where the calls of `api` are queued (a queue, topic or subject), for messages and inspect. */
  requestAddress(api: string): string;
  /** Who serves `api`; called on every call, so a wire that asks the broker caches the answer. */
  served(api: string): Promise<Served>;
  /**
   * Queues a call for the daemon serving its API, confirmed by the broker. Rejects with an RpcError
   * SWITCHYARD_RPC_API_UNKNOWN when the broker says nobody serves the API (no request queue).
   */
  sendCall(api: string, call: OutgoingCall): Promise<void>;
  /** Opens this client's reply channel (one per process). */
  openInbox(clientId: string, onReply: (body: string) => void): Promise<Inbox>;
  /** Sends a reply; resolves false when the reply channel no longer exists (the caller has gone). */
  sendReply(address: string, body: string): Promise<boolean>;
  /**
   * A daemon starts serving `api`: creates its request queue when absent (durable: calls wait there
   * while the daemon restarts), records its methods where the wire can, and returns the lane its
   * pipeline consumes. `withdraw` says it no longer serves (at stop; the queue is kept).
   */
  serve(api: string, methods: readonly string[]): Promise<Lane & { withdraw(): Promise<void> }>;
  /** Publishes an event to every listener's queue, confirmed by the broker. */
  publishEvent(api: string, event: string, body: string, mediaType: string): Promise<void>;
  /**
   * Creates (once, durably: kept while the listener is down) the listener's own queue, consumer
   * group or durable, fed by the event; returns the lane its pipeline consumes.
   */
  listen(api: string, event: string, listenerName: string): Promise<Lane>;
  /** Closes what the wire opened (clients, the inbox's consumer); lanes' transports close themselves. */
  close(): Promise<void>;
}
