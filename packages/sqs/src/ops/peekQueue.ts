import type { SQSClient } from '@aws-sdk/client-sqs';
import { wait } from '@switchyard/core';
import { receiveSome } from './receiving.js';
import { toOpsMessage, type SqsOpsMessage } from './sqsRecord.js';

// Message ids remembered so each message prints once; past this the oldest are forgotten.
const MAX_REMEMBERED = 100_000;

/**
 * Prints messages as they arrive by peeking: each receive hides what it returns for only
 * `visibilitySeconds` (0: not at all, the consumer can take it at once), so nothing is consumed,
 * but every receive raises the message's ApproximateReceiveCount, the daemon's attempt number.
 * Runs until `signal` aborts or `onMessage` returns false.
 */
export async function peekQueue(
  client: SQSClient,
  queueUrl: string,
  options: {
    readonly visibilitySeconds: number;
    readonly signal: AbortSignal;
    readonly onMessage: (message: SqsOpsMessage) => boolean | void;
  },
): Promise<void> {
  const seen = new Set<string>();
  while (!options.signal.aborted) {
    const received = await receiveSome(client, queueUrl, 10, options.visibilitySeconds);
    let fresh = 0;
    for (const raw of received) {
      const id = raw.MessageId ?? '';
      if (seen.has(id)) continue;
      seen.add(id);
      if (seen.size > MAX_REMEMBERED) seen.delete(seen.values().next().value as string);
      fresh += 1;
      if (options.onMessage(toOpsMessage(raw)) === false) return;
    }
    // Nothing new: the same visible messages would come back at once; wait instead of spinning.
    if (fresh === 0) await wait(1000, options.signal);
  }
}
