import type { Transport } from '@switchyard/core';

/**
 * What RPC and events need from a bus, beyond core's consuming contract. The embedded bus
 * implements it (memoryWire); Kafka, SQS and NATS are next (docs/rpc.md).
 */
export interface RpcWire {
  readonly name: string;
  /** The queue (topic, subject) the daemon serving `api` consumes its calls from. */
  requestQueue(api: string): string;
  sendRequest(api: string, body: string): Promise<void>;
  /** Opens this client's reply channel; `address` goes into each call's `replyTo`. */
  openInbox(clientId: string, onReply: (body: string) => void): { readonly address: string; close(): void };
  /** Resolves false when the reply channel no longer exists (the caller has gone). */
  sendReply(address: string, body: string): Promise<boolean>;
  /** The methods some daemon serves for `api` now, or undefined when none does. */
  served(api: string): ReadonlySet<string> | undefined;
  /** A serving daemon says so; the returned function withdraws it. */
  announce(api: string, methods: readonly string[]): () => void;
  /** Copies the event to every listener's queue. */
  publishEvent(api: string, event: string, body: string, mediaType: string): Promise<void>;
  /** Creates (once, durably) the listener's queue, subscribed to the event; returns its name. */
  subscribe(api: string, event: string, listenerName: string): string;
  /** A core transport consuming `queue`, for a daemon's pipeline. */
  consumer(queue: string): Transport;
}
