import type { KafkaDelivery } from './KafkaDelivery.js';

/** One ordering key's messages, ascending by offset: the order they must be handled in. */
interface Lane {
  items: KafkaDelivery[];
  /** Handed out and not yet settled (acked, dead-lettered or nacked). */
  out: number;
  /** A nacked message waits until then; the lane's later messages wait behind it. */
  blockedUntil: number;
}

/**
 * Fetched messages waiting for `receive()`, and messages waiting to be retried in place, in lanes
 * per ordering key. `take` serves lanes round-robin, idle lanes first, so one partition's (or key's)
 * long run of fetched records cannot fill the daemon's window while other lanes wait. A nacked
 * message goes back into its lane by offset and blocks the lane for its delay, so the key's later
 * messages (released by the runner, or fetched meanwhile) follow it in offset order.
 */
export class DeliveryQueue {
  readonly #lanes = new Map<string, Lane>();
  /** Unordered messages: no lane, first in first out. */
  readonly #free: KafkaDelivery[] = [];
  #freeHead = 0;
  readonly #delayed: Array<{ dueAt: number; delivery: KafkaDelivery }> = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(delivery: KafkaDelivery): void {
    this.#size += 1;
    const lane = this.#laneOf(delivery);
    if (lane === undefined) this.#free.push(delivery);
    else insertByOffset(lane.items, delivery);
  }

  /** Redeliver after `delayMs`, after the key's earlier messages and before its later ones. */
  park(delivery: KafkaDelivery, delayMs: number, now: number): void {
    const lane = this.#laneOf(delivery);
    if (lane === undefined) {
      this.#size += 1;
      this.#delayed.push({ dueAt: now + delayMs, delivery });
      return;
    }
    lane.out -= 1;
    if (delayMs > 0) lane.blockedUntil = Math.max(lane.blockedUntil, now + delayMs);
    this.push(delivery);
  }

  /** The runner is done with a message handed out earlier. */
  settle(delivery: KafkaDelivery): void {
    const key = laneKey(delivery);
    const lane = key === undefined ? undefined : this.#lanes.get(key);
    if (lane === undefined) return;
    lane.out -= 1;
    if (lane.out <= 0 && lane.items.length === 0) this.#lanes.delete(key!);
  }

  /** Up to `max` messages: one per idle lane first, then round-robin, then unordered ones. */
  take(max: number, now: number): KafkaDelivery[] {
    const taken: KafkaDelivery[] = [];
    this.#promoteDelayed(now);
    for (let pass = 0; taken.length < max; pass += 1) {
      let progressed = false;
      // Not a copy of every lane per pass (that was most of a keyed take): served lanes are
      // collected and moved after the pass.
      const served: Array<[string, Lane]> = [];
      for (const entry of this.#lanes) {
        if (taken.length >= max) break;
        const lane = entry[1];
        if (lane.items.length === 0 || lane.blockedUntil > now || (pass === 0 && lane.out > 0)) continue;
        taken.push(lane.items.shift()!);
        lane.out += 1;
        progressed = true;
        served.push(entry);
      }
      // Served lanes move to the back: the next take starts with the ones that waited.
      for (const [key, lane] of served) {
        this.#lanes.delete(key);
        this.#lanes.set(key, lane);
      }
      while (taken.length < max && this.#freeHead < this.#free.length) {
        taken.push(this.#free[this.#freeHead++]!);
        progressed = true;
      }
      if (!progressed && pass > 0) break;
    }
    if (this.#freeHead > 1024 && this.#freeHead * 2 > this.#free.length) {
      this.#free.splice(0, this.#freeHead);
      this.#freeHead = 0;
    }
    this.#size -= taken.length;
    return taken;
  }

  /** When the earliest blocked lane or delayed message is due (ms epoch), if any. */
  nextDueAt(now: number): number | undefined {
    let earliest: number | undefined;
    const consider = (at: number): void => {
      if (at > now && (earliest === undefined || at < earliest)) earliest = at;
    };
    for (const lane of this.#lanes.values()) if (lane.items.length > 0) consider(lane.blockedUntil);
    for (const { dueAt } of this.#delayed) consider(dueAt);
    return earliest;
  }

  /** Forgets every message that `matches` (its partition was revoked). */
  drop(matches: (delivery: KafkaDelivery) => boolean): void {
    for (const [key, lane] of this.#lanes) {
      const kept = lane.items.filter((delivery) => !matches(delivery));
      lane.items = kept;
      if (kept.length === 0 && lane.out <= 0) this.#lanes.delete(key);
    }
    const free = this.#free.splice(this.#freeHead).filter((delivery) => !matches(delivery));
    this.#free.length = 0;
    this.#freeHead = 0;
    this.#free.push(...free);
    for (let index = this.#delayed.length - 1; index >= 0; index -= 1)
      if (matches(this.#delayed[index]!.delivery)) this.#delayed.splice(index, 1);
    this.#size = this.#countAll();
  }

  #countAll(): number {
    let count = this.#free.length - this.#freeHead + this.#delayed.length;
    for (const lane of this.#lanes.values()) count += lane.items.length;
    return count;
  }

  #promoteDelayed(now: number): void {
    for (let index = 0; index < this.#delayed.length;) {
      const entry = this.#delayed[index]!;
      if (entry.dueAt > now) index += 1;
      else {
        this.#delayed.splice(index, 1);
        this.#free.splice(this.#freeHead, 0, entry.delivery);
      }
    }
  }

  #laneOf(delivery: KafkaDelivery): Lane | undefined {
    const key = laneKey(delivery);
    if (key === undefined) return undefined;
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      lane = { items: [], out: 0, blockedUntil: 0 };
      this.#lanes.set(key, lane);
    }
    return lane;
  }
}

/** The epoch is part of the lane: a revoked assignment's late results never touch the new one. */
function laneKey(delivery: KafkaDelivery): string | undefined {
  return delivery.orderingKey === undefined ? undefined : `${delivery.epoch}|${delivery.orderingKey}`;
}

function insertByOffset(items: KafkaDelivery[], delivery: KafkaDelivery): void {
  let index = items.length;
  while (index > 0 && items[index - 1]!.offset > delivery.offset) index -= 1;
  items.splice(index, 0, delivery);
}
