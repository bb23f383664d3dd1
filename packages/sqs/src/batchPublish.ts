import { setTimeout as sleep } from 'node:timers/promises';
import { fullJitterDelaySeconds, type OutgoingMessage } from '@switchyard/core';
import { checkSize, MAX_MESSAGE_BYTES, messageBytes, publishFailed } from './outgoing.js';

/** What PublishBatch and SendMessageBatch answer (their result entries have the same shape). */
export interface BatchResponse {
  readonly Successful?: ReadonlyArray<{ Id?: string; MessageId?: string }>;
  readonly Failed?: ReadonlyArray<{ Id?: string; Code?: string; Message?: string; SenderFault?: boolean }>;
}

/** One PublishBatch / SendMessageBatch call to `destination`; entry ids are message indexes. */
export type BatchCall = (
  destination: string,
  entries: ReadonlyArray<{ id: string; message: OutgoingMessage }>,
) => Promise<BatchResponse>;

export interface BatchRetry {
  /** Calls per entry, the first included. */
  readonly tries: number;
  readonly baseSeconds: number;
  readonly maxSeconds: number;
}

// Entries the server failed (throttled, 5xx) are sent again after 0.1 s, 0.2 s, 0.4 s (jittered).
const DEFAULT_RETRY: BatchRetry = { tries: 4, baseSeconds: 0.1, maxSeconds: 2 };
const MAX_ENTRIES = 10;

/**
 * Publishes `messages` grouped by destination, in calls of at most 10 entries and 256 KiB in all
 * (SNS and SQS refuse larger batches). An entry the server failed for its own reasons (throttling,
 * an internal error) is sent again with backoff; one it refused as the sender's fault fails at once.
 * Resolves with the message ids in input order; rejects with `SWITCHYARD_SQS_PUBLISH_FAILED`
 * saying how many were published before the failure.
 */
export async function publishInBatches(
  messages: readonly OutgoingMessage[],
  destinationOf: (message: OutgoingMessage) => string | Promise<string>,
  call: BatchCall,
  retry: BatchRetry = DEFAULT_RETRY,
): Promise<string[]> {
  // Nothing is sent when one message cannot be.
  for (const message of messages) checkSize(message);
  const ids = new Array<string>(messages.length).fill('');
  const byDestination = new Map<string, number[]>();
  for (const [index, message] of messages.entries()) {
    const destination = await destinationOf(message);
    byDestination.set(destination, [...(byDestination.get(destination) ?? []), index]);
  }
  for (const [destination, indexes] of byDestination)
    for (const batch of batchesOf(indexes, messages)) {
      let pending = batch;
      for (let attempt = 1; pending.length > 0; attempt += 1) {
        const entries = pending.map((index) => ({ id: String(index), message: messages[index]! }));
        const response = await call(destination, entries).catch((error: unknown) => {
          throw publishFailed(messages[pending[0]!]!, destination, error, published(ids));
        });
        for (const entry of response.Successful ?? []) ids[Number(entry.Id)] = entry.MessageId ?? '';
        const failed = response.Failed ?? [];
        const fatal =
          failed.find((entry) => entry.SenderFault === true) ??
          (attempt >= retry.tries ? failed[0] : undefined);
        if (fatal !== undefined)
          throw publishFailed(
            messages[Number(fatal.Id)]!,
            destination,
            new Error(`${fatal.Code ?? 'error'}: ${fatal.Message ?? ''}`),
            published(ids),
          );
        pending = failed.map((entry) => Number(entry.Id));
        if (pending.length > 0) await sleep(fullJitterDelaySeconds(attempt, retry) * 1000);
      }
    }
  return ids;
}

function published(ids: readonly string[]): string {
  return `${ids.filter((id) => id !== '').length} of ${ids.length} published`;
}

/** Consecutive runs of at most 10 indexes and 256 KiB in all; each message alone fits (checked). */
function batchesOf(indexes: readonly number[], messages: readonly OutgoingMessage[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const index of indexes) {
    const size = messageBytes(messages[index]!);
    if (current.length === MAX_ENTRIES || bytes + size > MAX_MESSAGE_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
