import { configSection, secret } from '@switchyard/core';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsString, Max, Min, ValidateIf } from 'class-validator';

/** Bus APIs served by an ApiDaemon. Env: `<DAEMON>__RPC__<KEY>`. */
@configSection('rpc')
export class RpcConfig {
  /**
   * Where `@rpc({ idempotent: true })` calls record that they ran and what they answered, so a
   * retried call runs once: `memory` (this process; enough for one serving daemon) or `redis`
   * (shared by every daemon serving the API: use it when more than one does).
   */
  @IsIn(['memory', 'redis'], { message: "rpc.idempotencyStore must be 'memory' or 'redis'" })
  idempotencyStore = 'memory';

  /** The Redis server of `idempotencyStore=redis` (`redis://host:6379/0`). Never logged. */
  @ValidateIf((config: RpcConfig) => config.idempotencyStore === 'redis')
  @IsNotEmpty({ message: 'rpc.redisUrl is required when rpc.idempotencyStore is redis' })
  @IsString()
  @secret()
  redisUrl = '';

  /** Prefix of the Redis keys (several environments may share one Redis). */
  @IsString() redisKeyPrefix = 'switchyard:rpc:';

  /** How long an idempotent call's answer is kept for its retries (default one hour). */
  @IsInt() @Min(1000) idempotencyTtlMs = 3_600_000;

  /**
   * How long a running idempotent call's claim lasts without renewal (renewed at half of it while it
   * runs): a retry reaching another daemon after the first one crashed runs once this has passed.
   */
  @IsInt() @Min(200) @Max(600_000) claimLeaseMs = 5000;

  /** Answers kept by the memory store at most (the oldest go first). */
  @IsInt() @Min(1) memoryStoreMaxEntries = 100_000;

  /**
   * NATS only: calls wait in the JetStream work queue SWITCHYARD_RPC (kept while no daemon serves
   * the API, e.g. during a restart) instead of travelling over core NATS to a queue group of the
   * API's daemons (the default: about 4× less CPU and fewer round trips per call, and a call to an
   * API nobody serves fails at once). Every daemon of an API must use the same value.
   */
  @IsBoolean() natsDurableCalls = false;

  /**
   * NATS core calls held by one daemon while its pipeline is busy, at most; a call beyond it is
   * answered SWITCHYARD_RPC_OVERLOADED at once (0: 16 × consumer.concurrency).
   */
  @IsInt() @Min(0) natsMaxWaitingCalls = 0;

  /**
   * Kafka only: how long another client's reply group must be seen without members before this
   * daemon's bus removes its reply topic and group (a client that died without closing); 0: never.
   */
  @ValidateIf((config: RpcConfig) => config.kafkaReplyOrphanGraceMs !== 0)
  @IsInt({ message: 'rpc.kafkaReplyOrphanGraceMs must be 0 (never) or whole milliseconds of at least 1000' })
  @Min(1000, {
    message: 'rpc.kafkaReplyOrphanGraceMs must be 0 (never) or whole milliseconds of at least 1000',
  })
  kafkaReplyOrphanGraceMs = 600_000;
}
