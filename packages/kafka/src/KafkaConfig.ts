import { secret, configSection } from '@switchyard/core';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Min,
  Validate,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

export type KafkaMode = 'keyed' | 'in-order' | 'unordered';
export const KAFKA_MODES: readonly KafkaMode[] = ['keyed', 'in-order', 'unordered'];

@ValidatorConstraint({ name: 'belowSessionTimeout' })
class BelowSessionTimeout implements ValidatorConstraintInterface {
  validate(value: number, { object }: ValidationArguments): boolean {
    return value < (object as KafkaConfig).sessionTimeoutMs;
  }
  defaultMessage(): string {
    return 'must be below kafka.sessionTimeoutMs, or the group drops the member while it drains';
  }
}

/**
 * The Kafka transport. Selected when `brokers` is set. Env: `<DAEMON>__KAFKA__<KEY>`
 * (e.g. `SIMPLE_CONSUMER__KAFKA__BROKERS`); flags `--kafka-brokers`, `--topic`, `--group-id`,
 * `--mode`, `--from-beginning`.
 */
@configSection('kafka')
export class KafkaConfig {
  /** Comma-separated `host:port` list; empty leaves Kafka unselected. */
  @IsString() brokers = '';
  /** Topics to consume (all must exist at start). */
  @IsArray() @IsString({ each: true }) topics: string[] = [];
  /** Consumer group; empty means `<daemon name>.consumer`. Must match `groupNamePattern`. */
  @IsString() groupId = '';
  /** The `service.group` naming convention a group id must follow (a regular expression). */
  @IsString() groupNamePattern = '^[a-z0-9][a-z0-9_-]*\\.[a-z0-9][a-z0-9_.-]*$';
  /** keyed (default): per-key order; in-order: per-partition order; unordered: no order. */
  @IsIn(KAFKA_MODES) mode: KafkaMode = 'keyed';
  /** A new group starts at the earliest offset instead of the latest. */
  @IsBoolean() fromBeginning = false;
  /** Dead-letter topic; empty means `<source topic>.dlt`. Created at start if missing. */
  @IsString() deadLetterTopic = '';
  /** Topic the producer writes to when no route matches; empty means the first consumed topic. */
  @IsString() produceTopic = '';
  /** Producer routes, `media/type=topic` pairs (comma-separated in the environment). */
  @IsArray() @IsString({ each: true }) topicRoutes: string[] = [];
  /**
   * This process's identity in the group, one per running process (e.g. a StatefulSet pod's name):
   * a process that starts finds the members its crashed predecessor with the same id left behind
   * and removes them, so it resumes at once instead of after their `sessionTimeoutMs`. Empty: off.
   * Two live processes with one id would remove each other at every start (a rebalance, never loss).
   */
  @IsString() instanceId = '';
  /** Client id sent to the brokers; empty means the daemon's name. */
  @IsString() clientId = '';
  /** Messages fetched but not yet handled, per daemon; partitions pause at this bound. */
  @IsInt() @Min(1) maxBuffered = 1000;
  /**
   * Bytes of fetched records (keys, values, headers) not yet finished, per daemon. Kept before each
   * fetch, not after: a fetch brings up to `maxBytesPerPartition` for each partition it asks for,
   * so partitions pause while what is held plus that much for each partition still fetching would
   * pass this bound, and take turns as room frees up. One partition always fetches when nothing is
   * held, so the bound in effect is at least `maxBytesPerPartition` (and a broker sends a first
   * record batch larger than that whole). 1 MiB (4 of 8 partitions' fetches at a time) kept a keyed
   * daemon at 176 MB peak RSS under a 1M-message backlog (276 MB unbounded) with no-op throughput
   * unchanged; with a slow handler the backlog drains through half the partitions at a time, so
   * raise it (2 MiB: all 8) where throughput under a backlog matters more than memory (bench/README.md).
   */
  @IsInt() @Min(1024) maxBufferedBytes = 1_048_576;
  /**
   * Largest fetch per partition, in bytes. Before the byte bound, 256 KiB kept peak RSS at 285 MB
   * with a million messages waiting (1 MiB: 402 MB) at no measured cost in throughput.
   */
  @IsInt() @Min(1024) maxBytesPerPartition = 262_144;
  /**
   * How soon a finished offset is committed, in milliseconds: the first finish after a commit
   * starts this delay and everything finished within it shares the next commit, so at most one
   * commit goes out per delay (and one at a time). A crash redoes what finished since the last
   * commit landed, so this, plus a commit's round trip, is what a crash can cost in handled messages.
   */
  @IsInt() @Min(1) commitDelayMs = 20;
  /** How often a failed commit is sent again (and any change committed), in milliseconds; also on revoke and stop. */
  @IsInt() @Min(10) commitIntervalMs = 500;
  @IsInt() @Min(1000) sessionTimeoutMs = 30_000;
  /**
   * On a rebalance, wait up to this long for the messages in flight to finish and commit them
   * before the partitions are given up, so the next owner does not handle them again. -1 (default):
   * half of `sessionTimeoutMs`. 0 gives them up at once (their results are discarded: duplicates,
   * never loss) and lets fetches run ahead of handling; above 0 each fetched batch is held until it
   * finishes. Must stay below `sessionTimeoutMs`, or the group drops the member while it drains.
   */
  @IsInt() @Min(-1) @Validate(BelowSessionTimeout) revokeDrainMs = -1;

  /** `revokeDrainMs` with its default resolved. */
  get effectiveRevokeDrainMs(): number {
    return this.revokeDrainMs === -1 ? Math.floor(this.sessionTimeoutMs / 2) : this.revokeDrainMs;
  }
  @IsInt() @Min(100) heartbeatIntervalMs = 3000;
  /** How long an idle fetch waits; keeps heartbeats flowing while partitions are paused. */
  @IsInt() @Min(10) maxWaitTimeMs = 500;
  /** No fetch activity for this long while running means the consumer is stalled: it is restarted. */
  @IsInt() @Min(1000) stallTimeoutMs = 60_000;
  /** TLS to the brokers. */
  @IsBoolean() ssl = false;
  /** PEM file with the CA that signed the brokers' certificates (empty: the system's CAs). */
  @IsString() sslCaFile = '';
  @IsBoolean() sslRejectUnauthorized = true;
  /** '' (none), `plain`, `scram-sha-256` or `scram-sha-512`. */
  @IsIn(['', 'plain', 'scram-sha-256', 'scram-sha-512'])
  saslMechanism: '' | 'plain' | 'scram-sha-256' | 'scram-sha-512' = '';
  @IsString() saslUsername = '';
  @secret() @IsString() saslPassword = '';
}
