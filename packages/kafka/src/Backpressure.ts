import { ByteBudget } from './ByteBudget.js';
import type { ConsumerSession, TopicPartition } from './ConsumerSession.js';
import { partitionId } from './KafkaDelivery.js';
import type { PartitionState } from './PartitionState.js';

/** What intake is bounded by: messages (`kafka.maxBuffered`) and bytes (`kafka.maxBufferedBytes`). */
export interface IntakeBounds {
  readonly maxBuffered: number;
  readonly maxBufferedBytes: number;
  /** `kafka.maxBytesPerPartition`: what one fetch may bring per partition. */
  readonly fetchBytes: number;
}

/**
 * Pauses partitions for two reasons. Messages: a partition whose fetched-but-unfinished messages
 * reach its share of `maxBuffered` pauses and resumes at 80 % of that (hysteresis), so one
 * partition's backlog cannot crowd out the others. Bytes: see ByteBudget, which pauses before a
 * fetch could pass `maxBufferedBytes`. A partition is paused while either says so; a paused
 * partition still heartbeats (kafkajs keeps fetching the rest).
 */
export class Backpressure {
  #pauses = 0;
  readonly #bytes: ByteBudget;
  /** The assigned partitions by id, for the budget's pause and resume lists. */
  #assigned = new Map<string, TopicPartition>();
  /** Paused for messages, by id (a partition with no state yet is never paused for messages). */
  readonly #countPaused = new Set<string>();

  constructor(
    private readonly bounds: IntakeBounds,
    private readonly session: () => ConsumerSession | undefined,
  ) {
    this.#bytes = new ByteBudget(bounds.maxBufferedBytes, bounds.fetchBytes);
  }

  get pauses(): number {
    return this.#pauses;
  }

  /** Bytes fetched and not yet finished, and the most held at once. */
  get bytes(): { held: number; peak: number } {
    return { held: this.#bytes.held, peak: this.#bytes.peak };
  }

  /** A new assignment (every partition resumed by the session); `kept` are the states it kept. */
  assigned(assigned: readonly TopicPartition[], states: Iterable<PartitionState>): void {
    this.#assigned = new Map(assigned.map((each) => [partitionId(each.topic, each.partition), each]));
    this.#countPaused.clear();
    const kept = [...states];
    let held = 0;
    for (const state of kept) {
      state.paused = false;
      held += state.heldBytes;
    }
    this.#pause(this.#bytes.assign([...this.#assigned.keys()], held));
    for (const state of kept) this.update(state);
  }

  /** The partition took `bytes` of fresh records from a fetch. */
  took(state: PartitionState, bytes: number): void {
    this.#pause(this.#bytes.took(partitionId(state.topic, state.partition), bytes));
    this.update(state);
  }

  /** A message of `bytes` finished. */
  finished(state: PartitionState, bytes: number): void {
    this.#resume(this.#bytes.finished(bytes));
    this.update(state);
  }

  /** A fetch is about to be sent: idle partitions give their room to waiting ones (see ByteBudget). */
  fetchStarting(): void {
    const { pause, resume } = this.#bytes.fetchStarting();
    this.#pause(pause);
    this.#resume(resume);
  }

  /** The message bound for `state`. */
  update(state: PartitionState): void {
    const id = partitionId(state.topic, state.partition);
    const bound = Math.max(1, Math.floor(this.bounds.maxBuffered / Math.max(1, this.#assigned.size)));
    if (!state.paused && state.held >= bound) {
      state.paused = true;
      this.#pauses += 1;
      this.#countPaused.add(id);
      if (!this.#bytes.isWaiting(id)) this.session()?.pause([state]);
    } else if (state.paused && state.held <= bound * 0.8) {
      state.paused = false;
      this.#countPaused.delete(id);
      if (!this.#bytes.isWaiting(id)) this.session()?.resume([state]);
    }
  }

  #pause(ids: readonly string[]): void {
    const partitions = this.#partitions(ids.filter((id) => !this.#countPaused.has(id)));
    this.#pauses += partitions.length;
    this.session()?.pause(partitions);
  }

  #resume(ids: readonly string[]): void {
    this.session()?.resume(this.#partitions(ids.filter((id) => !this.#countPaused.has(id))));
  }

  #partitions(ids: readonly string[]): TopicPartition[] {
    return ids.flatMap((id) => {
      const partition = this.#assigned.get(id);
      return partition === undefined ? [] : [partition];
    });
  }
}
