import {
  AckPolicy,
  type DeliverPolicy,
  RetentionPolicy,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { lookUp, NatsError, NatsErrorCodes } from '@switchyard/nats';

/** The stream every API's calls wait in: a work queue, a call is gone once its durable acks it. */
export const RPC_STREAM = 'SWITCHYARD_RPC';
/**
 * The stream events are published to: a message is kept while a listener's durable has not
 * acknowledged it (interest retention), so an event nobody listens to is not stored.
 */
export const EVENTS_STREAM = 'SWITCHYARD_EVENTS';
export const RPC_DEAD_LETTER_STREAM = 'SWITCHYARD_RPC_DEAD_LETTER';
export const EVENTS_DEAD_LETTER_STREAM = 'SWITCHYARD_EVENTS_DEAD_LETTER';

const STREAMS: ReadonlyArray<Partial<StreamConfig> & { name: string; subjects: string[] }> = [
  { name: RPC_STREAM, subjects: ['rpc.>'], retention: RetentionPolicy.Workqueue },
  { name: EVENTS_STREAM, subjects: ['event.>'], retention: RetentionPolicy.Interest },
  // Dead letters are kept until an operator deals with them (`switchyard dlq`).
  { name: RPC_DEAD_LETTER_STREAM, subjects: ['dead-letter.rpc.>'] },
  { name: EVENTS_DEAD_LETTER_STREAM, subjects: ['dead-letter.event.>'] },
];

const CORE_CALLS = 'switchyard.rpc.';

/**
 * The dead-letter subject of a lane, from its address: `dead-letter.rpc.<api>` for an API's calls
 * (address `switchyard.rpc.<api>`, or `rpc.<api>` for durable calls), `dead-letter.event.<durable>`
 * for a listener (address: its durable). Each lane has its own, so a failing listener's dead
 * letters never mix with another's.
 */
export function natsDeadLetterSubject(laneAddress: string): string {
  if (laneAddress.startsWith(CORE_CALLS)) return `dead-letter.rpc.${laneAddress.slice(CORE_CALLS.length)}`;
  return laneAddress.startsWith('rpc.') ? `dead-letter.${laneAddress}` : `dead-letter.event.${laneAddress}`;
}

/** Creates the wire's four streams where missing (an existing stream is left as it is). */
export async function ensureStreams(jsm: JetStreamManager): Promise<void> {
  for (const config of STREAMS) {
    const { name } = config;
    if ((await lookUp(() => jsm.streams.info(name))) !== undefined) continue;
    try {
      await jsm.streams.add(config);
    } catch (error) {
      // Another process created it between the look and the add: fine; anything else is said plainly.
      if ((await lookUp(() => jsm.streams.info(name))) !== undefined) continue;
      throw new NatsError(
        NatsErrorCodes.NOT_CREATED,
        `the RPC wire could not create the JetStream stream ${name} on ${config.subjects.join(', ')}: ` +
          `${error instanceof Error ? error.message : String(error)}; if another stream takes these subjects, ` +
          `move it off them, or create ${name} yourself (nats stream add ${name} --subjects '${config.subjects.join(',')}')`,
        { cause: error },
      );
    }
  }
}

export interface DurableSpec {
  readonly stream: string;
  readonly durable: string;
  readonly filterSubject: string;
  /** All for calls (those queued while the API's daemons restarted); New for a new listener. */
  readonly deliverPolicy: typeof DeliverPolicy.All | typeof DeliverPolicy.New;
  readonly ackWaitSeconds: number;
  readonly maxAckPending: number;
}

/**
 * The durable pull consumer of a lane, created once and kept (calls and events wait in it while
 * its daemons are down); an existing one is used as it is (NatsTransport checks it suits).
 */
export async function ensureDurable(jsm: JetStreamManager, spec: DurableSpec): Promise<ConsumerInfo> {
  const existing = await lookUp(() => jsm.consumers.info(spec.stream, spec.durable));
  if (existing !== undefined) return existing;
  try {
    return await jsm.consumers.add(spec.stream, {
      durable_name: spec.durable,
      filter_subject: spec.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: spec.deliverPolicy,
      ack_wait: nanos(spec.ackWaitSeconds * 1000),
      // The daemon dead-letters after consumer.maxAttempts; the server never gives up on a message.
      max_deliver: -1,
      max_ack_pending: spec.maxAckPending,
    });
  } catch (error) {
    const raced = await lookUp(() => jsm.consumers.info(spec.stream, spec.durable));
    if (raced !== undefined) return raced;
    throw error;
  }
}
