import { randomUUID } from 'node:crypto';
import { MinHeap } from './MinHeap.js';

export interface MemoryQueueOptions {
  /** Seconds a received message stays invisible unless acked, nacked or extended. */
  visibilityTimeoutSeconds: number;
  /** Like an SQS redrive policy: a message received more often than this moves to `deadLetterQueue`. */
  maxReceiveCount?: number;
  deadLetterQueue?: MemoryQueue;
}

export interface MemoryDelivery {
  readonly id: string;
  readonly receipt: string;
  readonly body: string | Uint8Array | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly key?: string;
  readonly receiveCount: number;
  /** When it was sent, epoch milliseconds. */
  readonly sentAt: number;
}

interface StoredMessage {
  readonly id: string;
  readonly body: string | Uint8Array | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly key?: string;
  receiveCount: number;
  readonly sentAt: number;
  /** Bumped whenever the message is received or its visibility changes; stale heap entries are skipped. */
  version: number;
  receipt?: string;
}

/**
 * An in-process queue with SQS semantics: at-least-once delivery, visibility timeout, delays,
 * receive counts and a redrive to a dead-letter queue. The embedded default transport and the
 * test helpers run on it.
 */
export class MemoryQueue {
  readonly #messages = new Set<StoredMessage>();
  /** Current receipt → its in-flight message; the receipt string handed out is the key (its hash is cached). */
  readonly #inFlight = new Map<string, StoredMessage>();
  readonly #ready: StoredMessage[] = [];
  #readyHead = 0;
  /** Delayed and nacked messages, by when they become visible (stale entries skipped by version). */
  readonly #pending = new MinHeap<{ message: StoredMessage; version: number }>();
  /**
   * Received messages by when their lease ends. Every receive leases for the same visibility
   * timeout, so insertion order is expiry order; a delete or visibility change removes the entry,
   * so acked messages leave nothing behind (the heap would keep one entry per receive until due).
   */
  readonly #leased = new Map<StoredMessage, number>();
  readonly #wakers = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly options: MemoryQueueOptions,
  ) {}

  send(
    body: string | Uint8Array | null,
    attributes: Record<string, string> = {},
    options: { delaySeconds?: number; key?: string } = {},
  ): string {
    const message: StoredMessage = {
      id: randomUUID(),
      body,
      attributes,
      key: options.key,
      receiveCount: 0,
      sentAt: Date.now(),
      version: 0,
    };
    this.#messages.add(message);
    this.#makeVisibleIn(message, options.delaySeconds ?? 0);
    return message.id;
  }

  /** Waits up to `waitMs` for at least one message; returns at most `max`. */
  async receive(max: number, waitMs: number, signal?: AbortSignal): Promise<MemoryDelivery[]> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const deliveries = this.#take(max);
      const remaining = deadline - Date.now();
      if (deliveries.length > 0 || remaining <= 0 || signal?.aborted === true) return deliveries;
      const nextDue = Math.min(this.#pending.peekPriority() ?? Infinity, this.#firstLeaseEnd());
      await this.#sleep(Math.min(remaining, nextDue - Date.now()), signal);
    }
  }

  delete(receipt: string): boolean {
    const message = this.#byReceipt(receipt);
    if (message === undefined) return false;
    this.#messages.delete(message);
    this.#leased.delete(message);
    this.#clearReceipt(message);
    return true;
  }

  changeVisibility(receipt: string, seconds: number): boolean {
    const message = this.#byReceipt(receipt);
    if (message === undefined) return false;
    this.#leased.delete(message);
    this.#makeVisibleIn(message, seconds);
    return true;
  }

  /** Heap entries for delayed or nacked messages, including stale ones (for tests of the bound). */
  get pendingEntries(): number {
    return this.#pending.size;
  }

  /** Messages not yet deleted: waiting, delayed or in flight. */
  get size(): number {
    return this.#messages.size;
  }

  /** Every stored message in the order sent, without receiving it: for tests, reports and the console. */
  peekAll(): Array<{
    id: string;
    body: string | Uint8Array | null;
    attributes: Readonly<Record<string, string>>;
    sentAt: number;
  }> {
    return [...this.#messages].map(({ id, body, attributes, sentAt }) => ({ id, body, attributes, sentAt }));
  }

  #byReceipt(receipt: string): StoredMessage | undefined {
    return this.#inFlight.get(receipt);
  }

  #clearReceipt(message: StoredMessage): void {
    if (message.receipt === undefined) return;
    this.#inFlight.delete(message.receipt);
    message.receipt = undefined;
  }

  #firstLeaseEnd(): number {
    for (const due of this.#leased.values()) return due;
    return Infinity;
  }

  #makeVisibleIn(message: StoredMessage, seconds: number): void {
    message.version += 1;
    if (seconds > 0) {
      this.#pending.push(Date.now() + seconds * 1000, { message, version: message.version });
      return;
    }
    // Visible now: straight to the ready list (the heap is for the future only).
    this.#clearReceipt(message);
    this.#ready.push(message);
    this.#wake();
  }

  #take(max: number): MemoryDelivery[] {
    this.#promoteDue();
    const deliveries: MemoryDelivery[] = [];
    while (deliveries.length < max && this.#readyHead < this.#ready.length) {
      const message = this.#ready[this.#readyHead++]!;
      if (this.#readyHead > 1024 && this.#readyHead * 2 > this.#ready.length) this.#compactReady();
      message.receiveCount += 1;
      const { maxReceiveCount, deadLetterQueue } = this.options;
      if (maxReceiveCount !== undefined && deadLetterQueue && message.receiveCount > maxReceiveCount) {
        this.#messages.delete(message);
        deadLetterQueue.send(message.body, message.attributes, { key: message.key });
        continue;
      }
      message.receipt = `${message.id}:${message.receiveCount}`;
      this.#inFlight.set(message.receipt, message);
      message.version += 1; // any older heap entry is stale now
      this.#leased.set(message, Date.now() + this.options.visibilityTimeoutSeconds * 1000);
      deliveries.push({
        id: message.id,
        receipt: message.receipt,
        body: message.body,
        attributes: message.attributes,
        key: message.key,
        receiveCount: message.receiveCount,
        sentAt: message.sentAt,
      });
    }
    return deliveries;
  }

  #promoteDue(): void {
    const now = Date.now();
    for (const [message, due] of this.#leased) {
      if (due > now) break;
      this.#leased.delete(message);
      message.version += 1; // back in the ready list, no longer leased
      this.#clearReceipt(message);
      this.#ready.push(message);
    }
    while ((this.#pending.peekPriority() ?? Infinity) <= now) {
      const entry = this.#pending.pop()!;
      const { message, version } = entry;
      if (version === message.version && this.#messages.has(message)) {
        message.version += 1; // now waiting in the ready list, no longer leased
        this.#clearReceipt(message);
        this.#ready.push(message);
      }
    }
  }

  #compactReady(): void {
    this.#ready.splice(0, this.#readyHead);
    this.#readyHead = 0;
  }

  #sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      this.#wakers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}
