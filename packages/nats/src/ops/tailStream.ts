import { toOpsMessage, type NatsOpsMessage } from './natsRecord.js';
import { checkStream, type OpsNats } from './opsNats.js';
import { readStream } from './readStream.js';

export interface TailOptions {
  /** `latest` (only messages stored from now on), `earliest`, or a stream sequence. */
  readonly from: 'latest' | 'earliest' | number;
  /** Only this subject (wildcards allowed). */
  readonly subject?: string;
  readonly signal: AbortSignal;
  /** Returning false ends the tail. */
  readonly onMessage: (message: NatsOpsMessage) => boolean | void;
}

/** Prints a stream's messages as they arrive through an ephemeral ordered consumer (see `readStream`). */
export async function tailStream(ops: OpsNats, stream: string, options: TailOptions): Promise<void> {
  const { state } = await checkStream(ops, stream);
  // From the last sequence now, not once the consumer exists: a message stored meanwhile shows.
  const startSeq =
    options.from === 'latest'
      ? state.last_seq + 1
      : options.from === 'earliest'
        ? state.first_seq
        : options.from;
  await readStream(ops, stream, {
    startSeq,
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    signal: options.signal,
    onMessage: (raw) => options.onMessage(toOpsMessage(stream, raw)),
  });
}
