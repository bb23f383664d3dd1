import { toOpsMessage, type KafkaOpsMessage } from './kafkaRecord.js';
import { checkTopic, topicOffsets, type OpsKafka } from './opsKafka.js';
import { readTopic } from './readTopic.js';

export interface TailOptions {
  /** `latest` (only new records), `earliest`, or one offset for every partition (or for `partition`). */
  readonly from: 'latest' | 'earliest' | number;
  readonly partition?: number;
  readonly signal: AbortSignal;
  /** Returning false ends the tail. */
  readonly onMessage: (message: KafkaOpsMessage) => boolean | void;
}

/** Prints records as they arrive without a group commit (see `readTopic`). */
export async function tailTopic(ops: OpsKafka, topic: string, options: TailOptions): Promise<void> {
  await checkTopic(ops, topic);
  const offsets = await topicOffsets(ops, topic);
  if (options.partition !== undefined && !offsets.has(options.partition))
    throw new Error(
      `topic "${topic}" has no partition ${options.partition} (it has ${offsets.size}); check --partition`,
    );
  let start: ReadonlyMap<number, number> | 'earliest' | 'latest';
  if (typeof options.from === 'number') {
    const at = options.from;
    start = new Map(
      [...offsets].map(([partition, { high }]) => [
        partition,
        partition === options.partition || options.partition === undefined ? at : high,
      ]),
    );
  } else if (options.partition !== undefined) {
    start = new Map(
      [...offsets].map(([partition, { low, high }]) => [
        partition,
        partition === options.partition && options.from === 'earliest' ? low : high,
      ]),
    );
  } else if (options.from === 'latest')
    // The end offsets now, not when the throwaway group has joined: a record produced meanwhile shows.
    start = new Map([...offsets].map(([partition, { high }]) => [partition, high]));
  else start = options.from;
  await readTopic(ops, topic, {
    start,
    signal: options.signal,
    onRecord: (partition, raw) => {
      if (options.partition !== undefined && partition !== options.partition) return;
      return options.onMessage(toOpsMessage(topic, partition, raw));
    },
  });
}
