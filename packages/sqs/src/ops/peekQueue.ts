import type { SQSClient } from '@aws-sdk/client-sqs';
import { wait } from '@switchyard/core';
import { receiveSome } from './receiving.js';
import { toOpsMessage, type SqsOpsMessage } from './sqsRecord.js';

// Message ids remembered so each message prints once; past this the oldest are forgotten.
const MAX_REMEMBERED = 100_000;
// The longest pause between receives while nothing new arrives.
const IDLE_WAIT_MAX_MS = 5000;

/**
 * Prints messages as they arrive by peeking: each receive hides what it returns for only
 * `visibilitySeconds` (0: not at all, the consumer can take it at once), so nothing is consumed,
 * but every receive raises the message's ApproximateReceiveCount, the daemon's attempt number, and
 * a message nobody consumes is returned again at every poll (each time counted).
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
  let idle = 0;
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
    // Nothing new: the same visible messages would come back at once, each receive raising their
    // receive count again; wait instead of spinning, longer while nothing new arrives.
    idle = fresh === 0 ? idle + 1 : 0;
    if (idle > 0) await wait(Math.min(IDLE_WAIT_MAX_MS, 1000 * idle), options.signal);
  }
}
