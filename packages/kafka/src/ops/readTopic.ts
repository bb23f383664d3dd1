import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { kafkaFailure, type OpsKafka } from './opsKafka.js';

export interface ReadOptions {
  /** Where each partition starts: an offset per partition, or the earliest/latest for all. */
  readonly start: ReadonlyMap<number, number> | 'earliest' | 'latest';
  /** Stop once each partition reached this offset (exclusive); absent: read until aborted. */
  readonly end?: ReadonlyMap<number, number>;
  readonly signal: AbortSignal;
  /** Each record in offset order per partition; returning false ends the read. */
  readonly onRecord: (partition: number, record: KafkaMessage) => boolean | void;
}

/**
 * Reads `topic` without committing anything: a throwaway consumer group that never commits (the
 * broker forgets it once it is empty), so no daemon's group and no offset moves.
 */
export async function readTopic(ops: OpsKafka, topic: string, options: ReadOptions): Promise<void> {
  const end = options.end;
  const open = new Set<number>();
  if (end !== undefined) {
    for (const [partition, offset] of end) {
      const from = typeof options.start === 'string' ? 0 : (options.start.get(partition) ?? 0);
      if (options.start !== 'latest' && from < offset) open.add(partition);
    }
    if (open.size === 0) return;
  }
  const consumer = ops.kafka.consumer({
    groupId: `switchyard-cli.read-${randomUUID()}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
  });
  let done = false;
  let resolveRead!: () => void;
  let fail!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    resolveRead = resolve;
    fail = reject;
  });
  const finish = (): void => {
    done = true;
    resolveRead();
  };
  const abort = (): void => finish();
  options.signal.addEventListener('abort', abort, { once: true });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: options.start !== 'latest' });
    consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (done) return;
        const offset = Number(message.offset);
        const stop = end?.get(partition);
        if (stop !== undefined && offset >= stop) return;
        if (options.onRecord(partition, message) === false) return finish();
        if (stop !== undefined && offset + 1 >= stop) {
          open.delete(partition);
          consumer.pause([{ topic, partitions: [partition] }]);
          if (open.size === 0) finish();
        }
      },
    });
    if (typeof options.start !== 'string')
      for (const [partition, offset] of options.start)
        consumer.seek({ topic, partition, offset: String(offset) });
    await finished;
  } catch (error) {
    throw kafkaFailure(error, ops.brokers);
  } finally {
    options.signal.removeEventListener('abort', abort);
    await consumer.disconnect().catch(() => undefined);
  }
}
