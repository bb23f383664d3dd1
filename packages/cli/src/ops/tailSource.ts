import { checkTopic, connectKafka, tailTopic } from '@switchyard/kafka';
import { checkStream, connectNats, streamOf, tailStream } from '@switchyard/nats';
import { createOpsSqsClient, peekQueue, readQueueState } from '@switchyard/sqs';
import { CliError } from '../CliError.js';
import type { ShownMessage } from './deadLetters.js';
import type { AnyWhere } from './natsWhere.js';

export interface TailRequest {
  /** Kafka: where to start (`latest`: records produced from now on); NATS: a number is a stream sequence. */
  readonly from: 'latest' | 'earliest' | number;
  /** Kafka: only this partition. */
  readonly partition?: number;
  /** SQS: read a queue that has a redrive policy anyway. */
  readonly force: boolean;
  /** SQS: how long each peeked message stays hidden (0: the consumer can take it at once). */
  readonly visibilitySeconds: number;
  readonly signal: AbortSignal;
  /** Said once on stderr before the first message: what reading does to the queue. */
  readonly note: (text: string) => void;
  /** Returning false ends the tail. */
  readonly onMessage: (message: ShownMessage) => boolean | void;
}

/** Prints a queue's or topic's messages as they arrive, consuming none of them. */
export async function tailMessages(where: AnyWhere, request: TailRequest): Promise<void> {
  if (where.kind === 'nats') {
    const ops = await connectNats(where.servers);
    try {
      const stream = where.stream ?? (await streamOf(ops, where.subject!));
      await checkStream(ops, stream);
      request.note(
        `reading ${stream} through an ephemeral ordered consumer: nothing is acked, no durable moves`,
      );
      await tailStream(ops, stream, {
        from: request.from,
        ...(where.subject === undefined ? {} : { subject: where.subject }),
        signal: request.signal,
        onMessage: request.onMessage,
      });
    } finally {
      await ops.close();
    }
    return;
  }
  if (where.kind === 'kafka') {
    const ops = await connectKafka(where.brokers);
    try {
      await checkTopic(ops, where.topic);
      request.note(`reading ${where.topic} without a consumer group commit: no group's offsets move`);
      await tailTopic(ops, where.topic, {
        from: request.from,
        ...(request.partition === undefined ? {} : { partition: request.partition }),
        signal: request.signal,
        onMessage: request.onMessage,
      });
    } finally {
      await ops.close();
    }
    return;
  }
  const client = createOpsSqsClient(where.endpoint);
  try {
    const state = await readQueueState(client, where.queueUrl);
    if (state.redrive !== undefined && !request.force)
      throw new CliError(
        `tail: ${where.queueUrl} has a redrive policy (maxReceiveCount ${state.redrive.maxReceiveCount}): every peek ` +
          "raises a message's receive count, so tailing it can send messages to its dead-letter queue; pass --force to tail it anyway",
        2,
      );
    request.note(
      `peeking at ${where.queueUrl}: SQS has no read without receiving, so every time a peek returns a ` +
        `message its ApproximateReceiveCount (the daemon's attempt number) rises by one, again at each poll ` +
        `while nobody consumes it` +
        (request.visibilitySeconds > 0
          ? ` and is hidden from the consumer for ${request.visibilitySeconds} s`
          : ''),
    );
    await peekQueue(client, where.queueUrl, {
      visibilitySeconds: request.visibilitySeconds,
      signal: request.signal,
      onMessage: request.onMessage,
    });
  } finally {
    client.destroy();
  }
}
