import type { Transport, TransportProducer } from '../../transport/Transport.js';

/**
 * What a transport promises beyond the contract every transport keeps. A case whose capability is
 * false is registered as skipped with the reason, or (release) checks that the transport does not
 * pretend to offer it.
 */
export interface ConformanceCapabilities {
  /** Messages published with the same key are received in the order they were published. */
  readonly ordersByKey: boolean;
  /** `release` hands a message back at once without spending an attempt. */
  readonly supportsRelease: boolean;
  /**
   * A received message is leased for `transport.leaseSeconds` (known once started): it comes back
   * when the lease ends, and `extend` keeps it longer.
   */
  readonly leases: boolean;
  /**
   * A message received but never acked by a consumer that crashed (the transport dropped without
   * `close`, see `ConformanceQueue.crash`) is received again by a new consumer.
   */
  readonly redeliversAfterCrash: boolean;
}

/** A raw test message, published by the queue's own client (not by the producer under test). */
export interface ConformanceMessage {
  readonly body: string;
  /** Ordering key (Kafka key, FIFO group id, subject token…); the `ordersByKey` case sets it. */
  readonly key?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A dead-letter copy as read back from the dead-letter destination. */
export interface DeadLetterCopy {
  readonly body: string;
  /** Attributes or headers as text: `DEAD_LETTER_ATTRIBUTES` among them. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** One fresh queue / topic / subject for one test, and the ways to look at it from outside. */
export interface ConformanceQueue {
  /**
   * A new transport consuming this queue: the same consumer group / durable each time, so a second
   * one takes over what the first left. Not started: the suite calls `start()` if it has one.
   */
  transport(): Transport | Promise<Transport>;
  /** The transport's producer, its default destination this queue (the suite closes it). */
  producer(): TransportProducer | Promise<TransportProducer>;
  /** Publishes the messages in this order; resolves once the server confirmed every one. */
  publish(messages: readonly ConformanceMessage[]): Promise<void>;
  /**
   * Messages on the queue not yet acked or dead-lettered: waiting, delayed or leased (SQS: visible +
   * not visible + delayed; Kafka: end offset minus the group's committed offset). Polled until it
   * reaches the expected value, so an eventually consistent count is fine.
   */
  remaining(): Promise<number>;
  /**
   * Every dead-letter copy written so far (each call may read further). Needed unless the
   * transport's `deadLetter` answers `kept`.
   */
  deadLetters?(): Promise<DeadLetterCopy[]>;
  /**
   * Ends `transport` as a crash of its process would: connections cut, nothing acked, flushed or
   * committed (e.g. Kafka: the consumer leaves the group without a commit). Omit it when dropping
   * the object is enough (the in-memory bus: its leases simply run out).
   */
  crash?(transport: Transport): Promise<void>;
  /** Called after the test, once every transport the suite opened is closed or crashed. */
  dispose?(): Promise<void>;
}

/** What `transportConformance` runs against. */
export interface TransportUnderTest {
  /** Names the suite: `transport conformance: <name>`. */
  readonly name: string;
  readonly capabilities: ConformanceCapabilities;
  /** A fresh queue for one test; never shared between tests. */
  createQueue(): Promise<ConformanceQueue>;
  /** Longest one expectation waits before it fails naming what it waited for (default 30 000 ms). */
  readonly timeoutMs?: number;
  /**
   * How long a receive waiting on an empty queue may take to resolve after its signal aborted and
   * `close` was called (default 5000 ms). Configure the transport's long poll longer than this, so
   * a transport that ignores the abort fails the case instead of returning at the end of its poll.
   */
  readonly promptMs?: number;
  /** The delay the nack case asks for, in seconds (default 1). */
  readonly nackDelaySeconds?: number;
  /** Messages in the burst case (default 50). */
  readonly burstSize?: number;
}
