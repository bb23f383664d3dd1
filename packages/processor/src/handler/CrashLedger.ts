/**
 * Worker crashes per message, across its redeliveries (message ids are stable per source message:
 * Kafka topic/partition/offset, SQS MessageId, the embedded bus's id). A message that crashed a
 * worker runs alone on one until it gets through, so a crash of it is its own: a crash beside other
 * messages in one worker is counted against none of them (any of them may have caused it). Bounded: a message that never comes back
 * (its partition moved to another consumer) cannot grow it without end.
 */
export class CrashLedger {
  readonly #counts = new Map<string, number>();
  /** Messages that crashed a worker and have not got through since: each runs alone. */
  readonly #runAlone = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** Records a crash of the message alone in its worker and returns its count so far. */
  record(messageId: string): number {
    const count = (this.#counts.get(messageId) ?? 0) + 1;
    this.#counts.delete(messageId);
    this.#counts.set(messageId, count);
    if (this.#counts.size > this.capacity) this.#counts.delete(this.#counts.keys().next().value!);
    this.#markAlone(messageId);
    return count;
  }

  /** A crash in a worker the message shared with others: not counted; its next attempt runs alone. */
  crashedBeside(messageId: string): void {
    this.#markAlone(messageId);
  }

  runsAlone(messageId: string): boolean {
    return this.#runAlone.has(messageId);
  }

  /** The message got through (or is dead-lettered): no count, shares a worker again. */
  forget(messageId: string): void {
    this.#counts.delete(messageId);
    this.#runAlone.delete(messageId);
  }

  #markAlone(messageId: string): void {
    this.#runAlone.delete(messageId);
    this.#runAlone.add(messageId);
    if (this.#runAlone.size > this.capacity) this.#runAlone.delete(this.#runAlone.values().next().value!);
  }
}
