/**
 * Worker crashes per message, across its redeliveries (message ids are stable per source message:
 * Kafka topic/partition/offset, SQS MessageId, the embedded bus's id). Bounded: a message that
 * never comes back (its partition moved to another consumer) cannot grow it without end.
 */
export class CrashLedger {
  readonly #counts = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Records one crash and returns the message's count so far. */
  record(messageId: string): number {
    const count = (this.#counts.get(messageId) ?? 0) + 1;
    this.#counts.delete(messageId);
    this.#counts.set(messageId, count);
    if (this.#counts.size > this.capacity) this.#counts.delete(this.#counts.keys().next().value!);
    return count;
  }

  forget(messageId: string): void {
    this.#counts.delete(messageId);
  }
}
