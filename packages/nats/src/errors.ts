import { SwitchyardError } from '@switchyard/core';

/** Error codes of @switchyard/nats; thrown as `SwitchyardError` like core's. */
export const NatsErrorCodes = {
  /** No NATS server answered at `nats.servers` within `nats.connectTimeoutMs` (start-up). */
  UNREACHABLE: 'SWITCHYARD_NATS_UNREACHABLE',
  /** The server answers but has no JetStream (started without `-js`, or the account lacks it). */
  JETSTREAM_DISABLED: 'SWITCHYARD_NATS_JETSTREAM_DISABLED',
  /** A stream, durable or subject name NATS would refuse. */
  NAME_INVALID: 'SWITCHYARD_NATS_NAME_INVALID',
  /** `nats.stream` does not exist and `nats.createStream` is off. */
  STREAM_NOT_FOUND: 'SWITCHYARD_NATS_STREAM_NOT_FOUND',
  /** `nats.durable` does not exist on the stream and `nats.createConsumer` is off. */
  CONSUMER_NOT_FOUND: 'SWITCHYARD_NATS_CONSUMER_NOT_FOUND',
  /** The existing consumer cannot be used as configured (push, no explicit ack, other filter, max_deliver). */
  CONSUMER_MISMATCH: 'SWITCHYARD_NATS_CONSUMER_MISMATCH',
  /** The server refused to create the stream, the dead-letter stream or the consumer. */
  NOT_CREATED: 'SWITCHYARD_NATS_NOT_CREATED',
  /** The dead-letter subject is one the consumer takes: its dead letters would come back for ever. */
  DEAD_LETTER_IS_SOURCE: 'SWITCHYARD_NATS_DEAD_LETTER_IS_SOURCE',
  /** No stream captures the dead-letter subject, so a dead letter could never be confirmed. */
  DEAD_LETTER_STREAM_NOT_FOUND: 'SWITCHYARD_NATS_DEAD_LETTER_STREAM_NOT_FOUND',
  /** Publishing with no subject: no `destination`, no `nats.subjectRoutes` entry, no default. */
  NO_SUBJECT: 'SWITCHYARD_NATS_NO_SUBJECT',
  /** JetStream did not confirm a publish (no stream for the subject, timeout, refused). */
  PUBLISH_FAILED: 'SWITCHYARD_NATS_PUBLISH_FAILED',
} as const;

export type NatsErrorCode = (typeof NatsErrorCodes)[keyof typeof NatsErrorCodes];

/** A `SwitchyardError` with one of this package's codes; `SwitchyardError.is` and `.code` work as for core's. */
export class NatsError extends SwitchyardError {
  constructor(code: NatsErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
