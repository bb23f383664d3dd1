/**
 * The one contract between core and a transport (in-memory, SQS, Kafka). Core decodes, validates,
 * dispatches and decides; a transport only moves messages and knows nothing of handlers.
 */

/** A message as received: raw body plus what the transport knows about it. */
export interface TransportMessage {
  /** Unique per delivery source: SQS MessageId, `topic/partition/offset`, in-memory id. */
  readonly id: string;
  /** Raw body; `null` for a Kafka tombstone. */
  readonly body: string | Uint8Array | null;
  /** Message attributes or headers; may carry `media_type` (or `mediaType`, `content-type`). */
  readonly attributes: Readonly<Record<string, string>>;
  /** Delivery attempt, starting at 1 (SQS ApproximateReceiveCount, in-memory receive count). */
  readonly attempt: number;
  /** Queue or topic name. */
  readonly source: string;
  /** Messages with the same key are handled one after another, in receive order (FIFO group, Kafka key). */
  readonly orderingKey?: string;
  /** The message's own key as the sender set it (Kafka key, FIFO group id), to keep it when forwarding. */
  readonly key?: string;
  /**
   * Set when the transport already knows the message is unusable (a body whose MD5 does not match,
   * a corrupt SNS envelope): core dead-letters it with this reason, counted like any other.
   */
  readonly rejection?: string;
  /** When the broker accepted the message (epoch milliseconds), for the message-age metric. */
  readonly sentAt?: number;
}

/** How far a consumer is behind, per partition (Kafka), as of the last fetch. */
export interface ConsumerLag {
  readonly source: string;
  readonly partition: number;
  readonly messages: number;
}

export interface DeadLetterDetails {
  readonly reason: string;
  readonly attempts: number;
}

/**
 * What `deadLetter` did, when it is not the plain case (the copy was confirmed and the original
 * removed, which a transport says by returning nothing):
 * - `kept`: the transport has no dead-letter destination and left the message where it is (e.g. SQS
 *   with neither `deadLetterQueueUrl` nor a redrive policy); core counts it as failed, not
 *   dead-lettered, with `why` in the reason.
 * - `bounded`: the copy could never fit the destination, so a bounded record (reason, source, ids,
 *   size and hash of the body, the body cut to fit) was written and confirmed instead.
 * A `deadLetter` that throws has written nothing confirmed: core retries the message with backoff.
 */
export type DeadLetterResult =
  { readonly kind: 'kept'; readonly why: string } | { readonly kind: 'bounded'; readonly why: string };

export interface Transport {
  /** `memory`, `sqs`, `kafka`: used in logs, metrics and Sentry tags. */
  readonly name: string;
  /**
   * If set, a message is leased for this many seconds when received (SQS visibility timeout) and the
   * daemon extends the lease while its handler runs.
   */
  readonly leaseSeconds?: number;
  /**
   * Optional start-up check and connection (the queue or topics exist, credentials work). The daemon
   * awaits it before consuming; a failure stops the start with the transport's message.
   */
  start?(): Promise<void>;
  /** Up to `max` messages; may wait (long poll) until some arrive or `signal` aborts. */
  receive(max: number, signal: AbortSignal): Promise<TransportMessage[]>;
  /** The message is done: delete it / mark its offset finished. */
  ack(message: TransportMessage): Promise<void>;
  /** The attempt failed: redeliver after `delaySeconds` (0 = now) as the next attempt. */
  nack(message: TransportMessage, delaySeconds: number): Promise<void>;
  /**
   * Optional: hand back a message that was received but never started (at shutdown, or a key's
   * successor held back behind a retry), or whose handler shutdown's deadline aborted, spending no
   * attempt. Without it the daemon calls `nack(message, 0)` (SQS cannot tell the two apart: its
   * receive count grows either way).
   */
  release?(message: TransportMessage): Promise<void>;
  /** Keep the lease for `seconds` more. */
  extend(message: TransportMessage, seconds: number): Promise<void>;
  /**
   * Move the message to the dead-letter destination with its reason, then remove the original; only
   * once the copy is confirmed. Throws when it could not (core then retries the message).
   */
  deadLetter(message: TransportMessage, details: DeadLetterDetails): Promise<DeadLetterResult | void>;
  /** Flush pending acks and release connections. */
  close(): Promise<void>;
  /** Optional: messages not yet consumed, per partition, for the lag metric. */
  lag?(): readonly ConsumerLag[];
  /**
   * Optional: counts of transport events that only grow (e.g. Kafka's commit metadata cut to fit),
   * by event name in snake_case; exported as `switchyard_transport_events_total{event}`.
   */
  eventCounts?(): Readonly<Record<string, number>>;
}

/** A message to publish, already encoded. */
export interface OutgoingMessage {
  readonly mediaType: string;
  /** Text (encoded JSON), or bytes as a raw-bytes handler produced them (each producer sends them as is). */
  readonly body: string | Uint8Array;
  readonly attributes: Readonly<Record<string, string>>;
  /** Kafka key / FIFO group id. */
  readonly key?: string;
  /** Queue or topic; when absent the producer's media-type routing decides. */
  readonly destination?: string;
}

export interface TransportProducer {
  /** Publishes and resolves with the transport's message id once the server has confirmed it. */
  send(message: OutgoingMessage): Promise<string>;
  close(): Promise<void>;
}
