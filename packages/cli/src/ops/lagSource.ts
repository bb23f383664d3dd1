import { checkTopic, connectKafka, groupLag, type PartitionLag } from '@switchyard/kafka';
import { checkStream, connectNats, consumerLag, type ConsumerLag } from '@switchyard/nats';
import { createOpsSqsClient, oldestOfSample, readQueueState, type SqsEndpoint } from '@switchyard/sqs';
import { CliError } from '../CliError.js';

export interface QueueLag {
  readonly queueUrl: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** Age of the oldest message of a peeked sample, ms; null without `--peek` or when none is visible. */
  readonly oldestAgeMs: number | null;
}

export type LagReport =
  | { readonly kind: 'kafka'; readonly group: string; readonly partitions: readonly PartitionLag[] }
  | { readonly kind: 'sqs'; readonly queues: readonly QueueLag[] }
  | { readonly kind: 'nats'; readonly stream: string; readonly consumers: readonly ConsumerLag[] };

export type LagTarget =
  | {
      readonly kind: 'kafka';
      readonly brokers: string;
      readonly group: string;
      readonly topics: readonly string[];
    }
  | {
      readonly kind: 'sqs';
      readonly queueUrls: readonly string[];
      readonly endpoint: SqsEndpoint;
      /** Receive a sample of each queue to tell the oldest message's age (raises receive counts). */
      readonly peek: boolean;
      /** Peek at a queue that has a redrive policy anyway. */
      readonly force: boolean;
    }
  | {
      readonly kind: 'nats';
      readonly servers: string;
      readonly stream: string;
      /** Default: every durable consumer of the stream. */
      readonly durables: readonly string[];
    };

export interface LagSource {
  read(): Promise<LagReport>;
  close(): Promise<void>;
}

/** Connects once (a `--watch` reads many times); a missing topic or queue fails here, naming it. */
export async function openLag(target: LagTarget): Promise<LagSource> {
  if (target.kind === 'nats') {
    const ops = await connectNats(target.servers);
    try {
      await checkStream(ops, target.stream);
    } catch (error) {
      await ops.close();
      throw error;
    }
    return {
      read: async () => ({
        kind: 'nats',
        stream: target.stream,
        consumers: await consumerLag(ops, target.stream, target.durables),
      }),
      close: () => ops.close(),
    };
  }
  if (target.kind === 'kafka') {
    const ops = await connectKafka(target.brokers);
    try {
      for (const topic of target.topics) await checkTopic(ops, topic);
    } catch (error) {
      await ops.close();
      throw error;
    }
    return {
      read: async () => ({
        kind: 'kafka',
        group: target.group,
        partitions: await groupLag(ops, target.group, target.topics),
      }),
      close: () => ops.close(),
    };
  }
  const client = createOpsSqsClient(target.endpoint);
  try {
    // Each queue exists, and --peek is not pointed at a source queue by mistake.
    for (const queueUrl of target.queueUrls) {
      const state = await readQueueState(client, queueUrl);
      if (target.peek && state.redrive !== undefined && !target.force)
        throw new CliError(
          `lag: ${queueUrl} has a redrive policy (maxReceiveCount ${state.redrive.maxReceiveCount}): --peek raises ` +
            'receive counts, which can send messages to its dead-letter queue; drop --peek, or pass --force',
          2,
        );
    }
  } catch (error) {
    client.destroy();
    throw error;
  }
  return {
    read: async () => {
      const queues: QueueLag[] = [];
      for (const queueUrl of target.queueUrls) {
        const state = await readQueueState(client, queueUrl);
        const oldest = target.peek ? await oldestOfSample(client, queueUrl) : undefined;
        queues.push({
          queueUrl,
          visible: state.visible,
          inFlight: state.inFlight,
          delayed: state.delayed,
          oldestAgeMs: oldest === undefined ? null : Math.max(0, Date.now() - oldest),
        });
      }
      return { kind: 'sqs', queues };
    },
    close: async () => client.destroy(),
  };
}
