import {
  DEAD_LETTER_ATTRIBUTES,
  MEDIA_TYPE_ATTRIBUTES,
  type DeadLetterDetails,
  type DeadLetterResult,
  type Transport,
  type TransportMessage,
  type TransportProducer,
} from '@switchyard/core';
import type { LambdaMessage } from './LambdaMessage.js';

/** The media type a dead letter is published with when core could not decode one. */
const UNKNOWN_MEDIA_TYPE = 'application/octet-stream';

const NO_DEAD_LETTER_DESTINATION =
  "no deadLetterDestination is configured: the record is reported to Lambda as failed, so the event source's " +
  'own failure handling takes it (an SQS redrive policy, a Kafka on-failure destination, an on-failure destination of an SNS-invoked function)';

/**
 * Core's Transport contract over Lambda events: each invocation feeds its records, the runner
 * receives them as from any broker, and each ack, nack, release or dead letter settles the record
 * in its invocation. There is no lease to extend: Lambda holds the batch until the function returns.
 */
export class LambdaTransport implements Transport {
  readonly name = 'lambda';
  #queue: LambdaMessage[] = [];
  #wake: (() => void) | undefined;
  #closed = false;

  constructor(
    /** The daemon's producer, for dead letters. */
    private readonly producer: TransportProducer,
    /** Where dead letters are published (a destination the producer knows); undefined: nowhere. */
    private readonly deadLetterDestination: string | undefined,
  ) {}

  /** Queues an invocation's records for the runner. */
  feed(messages: readonly LambdaMessage[]): void {
    this.#queue.push(...messages);
    this.#wakeReceiver();
  }

  /** Takes back the records not yet received that `matches` selects, and fails them with `why`. */
  withdraw(matches: (message: LambdaMessage) => boolean, why: string): void {
    const withdrawn = this.#queue.filter(matches);
    if (withdrawn.length === 0) return;
    this.#queue = this.#queue.filter((message) => !matches(message));
    for (const message of withdrawn) message.invocation.failed(message, why);
  }

  async receive(max: number, signal: AbortSignal): Promise<TransportMessage[]> {
    while (this.#queue.length === 0) {
      if (signal.aborted || this.#closed) return [];
      // One listener per wait, removed when records arrive: the poll loop waits here every invocation.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.#wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    return this.#queue.splice(0, max);
  }

  async ack(message: TransportMessage): Promise<void> {
    const record = message as LambdaMessage;
    record.invocation.succeeded(record);
  }

  async nack(message: TransportMessage): Promise<void> {
    const record = message as LambdaMessage;
    this.#fail(record, record.invocation.pipelineOf(record).reason ?? 'retried');
  }

  async release(message: TransportMessage): Promise<void> {
    this.#fail(message as LambdaMessage, 'released unstarted');
  }

  async extend(): Promise<void> {}

  async deadLetter(message: TransportMessage, details: DeadLetterDetails): Promise<DeadLetterResult | void> {
    const record = message as LambdaMessage;
    if (this.deadLetterDestination === undefined) {
      this.#fail(record, `dead letter (${details.reason}) left to the event source`);
      return { kind: 'kept', why: NO_DEAD_LETTER_DESTINATION };
    }
    await this.producer.send({
      destination: this.deadLetterDestination,
      mediaType:
        record.invocation.pipelineOf(record).mediaType ?? mediaTypeAttribute(record) ?? UNKNOWN_MEDIA_TYPE,
      body: textOf(record.body),
      attributes: {
        ...record.attributes,
        [DEAD_LETTER_ATTRIBUTES.reason]: details.reason,
        [DEAD_LETTER_ATTRIBUTES.source]: record.source,
        [DEAD_LETTER_ATTRIBUTES.attempts]: String(details.attempts),
      },
      ...(record.key === undefined ? {} : { key: record.key }),
    });
    // The copy is confirmed: Lambda may drop the original.
    record.invocation.succeeded(record);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wakeReceiver();
  }

  /**
   * A failed record's successors of the same key (FIFO group, Kafka partition) must not run before
   * its redelivery: those still queued fail with it (those already received core releases itself).
   */
  #fail(record: LambdaMessage, why: string): void {
    record.invocation.failed(record, why);
    const key = record.orderingKey;
    if (key === undefined) return;
    this.withdraw(
      (queued) => queued.invocation === record.invocation && queued.orderingKey === key,
      `an earlier record of ${key} failed`,
    );
  }

  #wakeReceiver(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

function mediaTypeAttribute(message: TransportMessage): string | undefined {
  for (const name of MEDIA_TYPE_ATTRIBUTES)
    if (message.attributes[name] !== undefined) return message.attributes[name];
  return undefined;
}

function textOf(body: string | Uint8Array | null): string {
  if (body === null) return '';
  return typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
}
