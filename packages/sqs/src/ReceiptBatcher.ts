import { SqsError, SqsErrorCodes } from './errors.js';

/** One entry's failure in a batch call, as SQS reports it. */
export interface BatchFailure {
  /** Index of the entry in the batch it was sent in, as a string (the batch entry Id). */
  readonly id: string;
  readonly message: string;
  /** The request was wrong (e.g. an expired receipt handle): retrying cannot help. */
  readonly senderFault: boolean;
}

/** Sends up to 10 entries in one call (DeleteMessageBatch, ChangeMessageVisibilityBatch). */
export type BatchSend<T> = (entries: ReadonlyArray<{ id: string; value: T }>) => Promise<BatchFailure[]>;

interface Pending<T> {
  readonly value: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  tries: number;
}

const MAX_BATCH = 10;

/**
 * Collects entries and sends them in batches of 10: at once when 10 are waiting, else after
 * `flushMs`. Each `submit` resolves when its own entry succeeded. Entries that fail for a server
 * reason (or whose whole call failed) are retried up to `maxTries`; a sender fault rejects at once.
 */
export class ReceiptBatcher<T> {
  #pending: Array<Pending<T>> = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #sending = new Set<Promise<void>>();

  constructor(
    private readonly send: BatchSend<T>,
    private readonly flushMs: number,
    private readonly maxTries = 3,
  ) {}

  submit(value: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#enqueue({ value, resolve, reject, tries: 0 });
    });
  }

  /** Sends everything waiting now and resolves when every call (retries included) has settled. */
  async flush(): Promise<void> {
    this.#sendPending();
    while (this.#sending.size > 0 || this.#pending.length > 0) {
      this.#sendPending();
      await Promise.allSettled([...this.#sending]);
    }
  }

  #enqueue(entry: Pending<T>): void {
    this.#pending.push(entry);
    if (this.#pending.length >= MAX_BATCH) this.#sendPending();
    else this.#timer ??= setTimeout(() => this.#sendPending(), this.flushMs);
  }

  #sendPending(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#pending.length > 0) {
      const chunk = this.#pending.splice(0, MAX_BATCH);
      const sending = this.#sendChunk(chunk).finally(() => this.#sending.delete(sending));
      this.#sending.add(sending);
    }
  }

  async #sendChunk(chunk: Array<Pending<T>>): Promise<void> {
    let failures: BatchFailure[];
    try {
      failures = await this.send(chunk.map((entry, index) => ({ id: String(index), value: entry.value })));
    } catch (error) {
      // The whole call failed (network, throttling after the SDK's retries): retry every entry.
      failures = chunk.map((_, index) => ({ id: String(index), message: String(error), senderFault: false }));
    }
    const failed = new Map(failures.map((failure) => [failure.id, failure]));
    chunk.forEach((entry, index) => {
      const failure = failed.get(String(index));
      if (failure === undefined) return entry.resolve();
      entry.tries += 1;
      if (!failure.senderFault && entry.tries < this.maxTries) return this.#enqueue(entry);
      entry.reject(new SqsError(SqsErrorCodes.BATCH_ENTRY_FAILED, `batch entry failed: ${failure.message}`));
    });
  }
}
