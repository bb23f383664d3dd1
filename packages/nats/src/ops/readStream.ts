import { DeliverPolicy, type Consumer, type JsMsg } from '@nats-io/jetstream';
import { describe } from '../NatsClient.js';
import type { StoredNatsMessage } from './natsRecord.js';
import { natsFailure, type OpsNats } from './opsNats.js';

// The ordered consumer goes away on its own this long after the command stops using it (a crash).
const INACTIVE_THRESHOLD_MS = 30_000;
// One pull's wait: an empty pull ends a bounded read (nothing left to read).
const PULL_EXPIRES_MS = 1000;

export interface ReadOptions {
  /** The first sequence to read. */
  readonly startSeq: number;
  /** Stop after this sequence (a snapshot); absent: read until aborted. */
  readonly endSeq?: number;
  /** Only these subjects (wildcards allowed); absent: the whole stream. */
  readonly subject?: string;
  readonly signal: AbortSignal;
  /** Each message in sequence order; returning false ends the read. */
  readonly onMessage: (message: StoredNatsMessage) => boolean | void | Promise<boolean | void>;
}

/**
 * Reads `stream` through an ephemeral ordered consumer: in memory, no acks, no durable, deleted
 * when the read ends (and by the server after 30 s if the command dies), so nothing is consumed
 * and no consumer's position moves.
 */
export async function readStream(ops: OpsNats, stream: string, options: ReadOptions): Promise<void> {
  if (options.endSeq !== undefined && options.endSeq < options.startSeq) return;
  let consumer: Consumer;
  try {
    consumer = await ops.js.consumers.get(stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Math.max(1, options.startSeq),
      inactive_threshold: INACTIVE_THRESHOLD_MS,
      ...(options.subject === undefined ? {} : { filter_subjects: options.subject }),
    });
  } catch (error) {
    throw natsFailure(error, ops.servers);
  }
  try {
    if (options.endSeq !== undefined && (await consumer.info(true)).num_pending === 0) return;
    while (!options.signal.aborted) {
      const messages = await consumer.fetch({ max_messages: 256, expires: PULL_EXPIRES_MS });
      const stop = (): void => void messages.stop();
      options.signal.addEventListener('abort', stop, { once: true });
      let received = 0;
      let done = false;
      try {
        for await (const message of messages) {
          received += 1;
          const { streamSequence, pending } = message.info;
          if (options.endSeq !== undefined && streamSequence > options.endSeq) {
            done = true;
            break;
          }
          let wanted: boolean | void;
          try {
            wanted = await options.onMessage(stored(message));
          } catch (error) {
            throw new CallbackFailure(error);
          }
          if (wanted === false) {
            done = true;
            break;
          }
          if (options.endSeq !== undefined && (pending === 0 || streamSequence >= options.endSeq)) {
            done = true;
            break;
          }
          if (options.signal.aborted) break;
        }
      } finally {
        options.signal.removeEventListener('abort', stop);
      }
      // A bounded read whose pull came back empty has read everything (some were deleted meanwhile).
      if (done || (options.endSeq !== undefined && received === 0)) return;
    }
  } catch (error) {
    // The caller's own failure (a replay's publish) goes up as it is.
    throw error instanceof CallbackFailure ? error.failure : natsFailure(error, ops.servers);
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}

class CallbackFailure extends Error {
  constructor(readonly failure: unknown) {
    super(describe(failure));
  }
}

function stored(message: JsMsg): StoredNatsMessage {
  return {
    seq: message.info.streamSequence,
    subject: message.subject,
    data: message.data,
    headers: message.headers,
    time: Math.floor(message.info.timestampNanos / 1e6),
  };
}
