import { configSection, secret } from '@switchyard/core';
import { IsArray, IsBoolean, IsIn, IsInt, IsString, Max, Min } from 'class-validator';

export type NatsMode = 'keyed' | 'in-order' | 'unordered';
export const NATS_MODES: readonly NatsMode[] = ['keyed', 'in-order', 'unordered'];

/**
 * The NATS JetStream transport. Selected when `servers` is set. Env: `<DAEMON>__NATS__<KEY>`
 * (e.g. `SIMPLE_CONSUMER__NATS__SERVERS`); flags `--nats-servers`, `--stream`, `--subject`,
 * `--durable`, `--nats-mode`.
 */
@configSection('nats')
export class NatsConfig {
  /** Comma-separated `host:port` list (or `nats://…` URLs); empty leaves NATS unselected. */
  @IsString() servers = '';
  /** JetStream stream to consume (flag `--stream`). */
  @IsString() stream = '';
  /**
   * Subject the consumer takes from the stream (its filter subject; wildcards allowed), and the
   * producer's default subject when it has no wildcard. Empty: the whole stream.
   */
  @IsString() subject = '';
  /** Durable pull consumer; empty means the daemon's name (characters NATS refuses become `_`). */
  @IsString() durable = '';
  /**
   * keyed (default): one key's messages run one after another (key = the `x-message-key` header,
   * else the subject), retries included (a retry waits in place, the key's later messages behind
   * it); in-order: the consumer hands out one message at a time (max_ack_pending 1); unordered: no
   * order.
   */
  @IsIn(NATS_MODES) mode: NatsMode = 'keyed';
  /** Create the stream (on `subject`) and the dead-letter stream when missing, instead of stopping. */
  @IsBoolean() createStream = false;
  /** Create the durable consumer when missing, instead of stopping the start. */
  @IsBoolean() createConsumer = false;
  /**
   * The consumer's ack_wait when it is created, in seconds: a message not acked, nacked or extended
   * (`working()`) within it is delivered again. An existing consumer keeps its own.
   */
  @IsInt() @Min(1) @Max(43_200) ackWaitSeconds = 30;
  /** The consumer's max_ack_pending when it is created (in-order mode always uses 1). */
  @IsInt() @Min(1) maxAckPending = 1000;
  /** Where dead letters are published; a stream must capture it. Empty: `dead-letter.<stream>`. */
  @IsString() deadLetterSubject = '';
  /** Stream created for the dead-letter subject with `createStream`; empty: `<stream>_DEAD_LETTER`. */
  @IsString() deadLetterStream = '';
  /**
   * KV bucket where the transport records the deliveries it hands back unrun and the runs that
   * failed, so a message's attempt counts runs, not JetStream deliveries (a release at shutdown
   * spends no attempt). Created at start when missing. Empty: the attempt is the delivery count.
   */
  @IsString() attemptsBucket = 'switchyard_attempts';
  /** Max age of the attempts bucket's entries when the transport creates it, in seconds (7 days). */
  @IsInt() @Min(60) attemptsMaxAgeSeconds = 604_800;
  /** Producer: default subject; empty means `subject` (when it has no wildcard). */
  @IsString() produceSubject = '';
  /** Producer routes, `media/type=subject` pairs (comma-separated in the environment). */
  @IsArray() @IsString({ each: true }) subjectRoutes: string[] = [];
  /** An idle receive returns empty after this long (the daemon's poll clock), in milliseconds. */
  @IsInt() @Min(100) @Max(60_000) receiveWaitMs = 5000;
  /** Connection attempt at start, and each publish's wait for its ack, in milliseconds. */
  @IsInt() @Min(100) connectTimeoutMs = 5000;
  @IsInt() @Min(100) publishTimeoutMs = 5000;
  /** Connection name shown by the server; empty means the daemon's name. */
  @IsString() name = '';
  /** User and password, or a token (never logged). */
  @IsString() user = '';
  @secret() @IsString() password = '';
  @secret() @IsString() token = '';
}
