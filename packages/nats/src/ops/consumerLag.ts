import type { ConsumerInfo } from '@nats-io/jetstream';
import { describe } from '../NatsClient.js';
import { quote } from '../names.js';
import { checkStream, natsFailure, type OpsNats } from './opsNats.js';

/** One durable consumer's backlog, as the server counts it. */
export interface ConsumerLag {
  readonly stream: string;
  readonly durable: string;
  /** Its filter subjects; empty: the whole stream. */
  readonly filter: readonly string[];
  /** Stored and not yet delivered to it. */
  readonly pending: number;
  /** Delivered and not yet acked, nacked or terminated. */
  readonly ackPending: number;
  /** Delivered more than once and not yet acked. */
  readonly redelivered: number;
}

/** The lag of `durables` on `stream` (default: every durable consumer of it); a missing one fails naming it. */
export async function consumerLag(
  ops: OpsNats,
  stream: string,
  durables: readonly string[],
): Promise<ConsumerLag[]> {
  await checkStream(ops, stream);
  const infos: ConsumerInfo[] = [];
  try {
    if (durables.length === 0) {
      for await (const info of ops.jsm.consumers.list(stream))
        if (info.config.durable_name !== undefined && info.config.durable_name !== '') infos.push(info);
    } else
      for (const durable of durables) {
        try {
          infos.push(await ops.jsm.consumers.info(stream, durable));
        } catch (error) {
          if (/consumer not found/i.test(describe(error)))
            throw new Error(
              `the durable consumer ${quote(durable)} does not exist on stream ${quote(stream)} at ${ops.servers}; check --durable`,
              { cause: error },
            );
          throw error;
        }
      }
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('the durable consumer')) throw error;
    throw natsFailure(error, ops.servers);
  }
  if (infos.length === 0)
    throw new Error(
      `stream ${quote(stream)} at ${ops.servers} has no durable consumer; check --stream, or name one with --durable`,
    );
  return infos
    .map((info) => ({
      stream,
      durable: info.name,
      filter: info.config.filter_subjects ?? (info.config.filter_subject ? [info.config.filter_subject] : []),
      pending: info.num_pending,
      ackPending: info.num_ack_pending,
      redelivered: info.num_redelivered,
    }))
    .sort((a, b) => a.durable.localeCompare(b.durable));
}
