/** What a lane holds: one delivery, its key and stream sequence (the order it must run in). */
export interface Laned {
  readonly key: string;
  readonly sequence: number;
}

interface Lane<T extends Laned> {
  /** Ascending by stream sequence. */
  items: T[];
  /** The lane's first message is retried then (ms, `performance.now()`); the rest wait behind it. */
  dueAt: number;
}

/**
 * Deliveries of `keyed` mode held in this process behind a retried message of their key, in lanes
 * per key (the model of the Kafka transport's DeliveryQueue): a nacked message is parked in its
 * key's lane for its delay, and the key's later messages (released by the daemon, or arriving from
 * the server meanwhile) join the lane by stream sequence instead of running first. When the lane is
 * due it is handed out whole, in order. Pure bookkeeping: the transport keeps the held messages'
 * ack_wait with `working()` and records their runs.
 */
export class KeyLanes<T extends Laned> {
  readonly #lanes = new Map<string, Lane<T>>();

  /** Messages held in all lanes. */
  get size(): number {
    let count = 0;
    for (const lane of this.#lanes.values()) count += lane.items.length;
    return count;
  }

  /** Whether the key has a lane: its messages must join it, not run. */
  has(key: string): boolean {
    return this.#lanes.has(key);
  }

  /** The failed `item` waits `delayMs`; its key's lane (made if need be) waits at least as long. */
  park(item: T, delayMs: number, now: number): void {
    let lane = this.#lanes.get(item.key);
    if (lane === undefined) {
      lane = { items: [], dueAt: now + delayMs };
      this.#lanes.set(item.key, lane);
    } else lane.dueAt = Math.max(lane.dueAt, now + delayMs);
    insertBySequence(lane.items, item);
  }

  /** Joins the key's lane by sequence; false when the key has none (nothing holds it back). */
  hold(item: T): boolean {
    const lane = this.#lanes.get(item.key);
    if (lane === undefined) return false;
    insertBySequence(lane.items, item);
    return true;
  }

  /**
   * Up to `max` messages of the lanes that are due, each lane's in order. A lane handed out whole
   * is gone; one cut short by `max` stays (due), so later messages of its key still queue behind it.
   */
  take(max: number, now: number): T[] {
    const taken: T[] = [];
    for (const [key, lane] of this.#lanes) {
      if (taken.length >= max) break;
      if (lane.dueAt > now) continue;
      taken.push(...lane.items.splice(0, max - taken.length));
      if (lane.items.length === 0) this.#lanes.delete(key);
    }
    return taken;
  }

  /** When the next lane is due (`performance.now()` ms), if any. */
  nextDueAt(): number | undefined {
    let earliest: number | undefined;
    for (const { dueAt } of this.#lanes.values())
      if (earliest === undefined || dueAt < earliest) earliest = dueAt;
    return earliest;
  }

  /** Every held message, each lane in order, the lanes emptied (the transport closes). */
  drain(): T[] {
    const all = [...this.#lanes.values()].flatMap((lane) => lane.items);
    this.#lanes.clear();
    return all;
  }
}

/**
 * By sequence; a second delivery of a sequence already held (the server redelivered it after an
 * ack_wait the transport could not keep, e.g. across a disconnect) replaces the first.
 */
function insertBySequence<T extends Laned>(items: T[], item: T): void {
  const same = items.findIndex((held) => held.sequence === item.sequence);
  if (same >= 0) {
    items[same] = item;
    return;
  }
  let index = items.length;
  while (index > 0 && items[index - 1]!.sequence > item.sequence) index -= 1;
  items.splice(index, 0, item);
}
