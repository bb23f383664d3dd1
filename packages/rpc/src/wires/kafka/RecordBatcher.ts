import type { Message, Producer } from 'kafkajs';

/** Records in one produce request at most. */
const MAX_BATCH = 500;

interface Queued {
  readonly topic: string;
  readonly message: Message;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Sends records as few produce requests as the load allows: a broker handles one connection's
 * requests one at a time, so 64 concurrent one-record sends wait behind each other. A record is
 * sent at once when fewer than `maxInFlight` requests are under way (no added latency for one
 * caller); otherwise it joins the next request, with every record queued meanwhile, for any
 * topic. Each record's promise settles with its request: confirmed by the brokers, or failed.
 */
export class RecordBatcher {
  #queue: Queued[] = [];
  #inFlight = 0;

  constructor(
    private readonly producer: () => Promise<Producer>,
    private readonly maxInFlight: number,
  ) {}

  send(topic: string, message: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ topic, message, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      this.#inFlight += 1;
      void this.#flush(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  async #flush(batch: readonly Queued[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of batch) byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
    try {
      const producer = await this.producer();
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      for (const queued of batch) queued.reject(error);
      return;
    }
    for (const queued of batch) queued.resolve();
  }
}
