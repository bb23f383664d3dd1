interface Entry<T> {
  priority: number;
  /** Insertion order, so equal priorities come out first-in first-out (queues must keep order). */
  sequence: number;
  value: T;
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.sequence < b.sequence);
}

/** A binary min-heap ordered by `priority`, stable for ties; wakes delayed and invisible messages in time order. */
export class MinHeap<T> {
  readonly #items: Array<Entry<T>> = [];
  #sequence = 0;

  get size(): number {
    return this.#items.length;
  }

  peekPriority(): number | undefined {
    return this.#items[0]?.priority;
  }

  push(priority: number, value: T): void {
    const items = this.#items;
    items.push({ priority, sequence: this.#sequence++, value });
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(items[index]!, items[parent]!)) break;
      [items[parent], items[index]] = [items[index]!, items[parent]!];
      index = parent;
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top?.value;
    items[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < items.length && before(items[left]!, items[smallest]!)) smallest = left;
      if (right < items.length && before(items[right]!, items[smallest]!)) smallest = right;
      if (smallest === index) break;
      [items[smallest], items[index]] = [items[index]!, items[smallest]!];
      index = smallest;
    }
    return top.value;
  }
}
