import { IsArray, IsIn, IsInt, IsNumber, IsString, Max, Min } from 'class-validator';
import { configSection } from './configSection.js';

/** How the daemon consumes: concurrency, retries, limits, shutdown. Env: `<DAEMON>__CONSUMER__<KEY>`. */
@configSection('consumer')
export class ConsumerConfig {
  /** Messages handled at once; the daemon never holds more than this many (flag `--concurrency`). */
  @IsInt() @Min(1) @Max(10_000) concurrency = 16;

  /** Largest batch asked of the transport in one receive. */
  @IsInt() @Min(1) @Max(1000) batchSize = 10;

  /** Deliveries before a failing message is dead-lettered. */
  @IsInt() @Min(1) maxAttempts = 5;

  /** Full-jitter backoff between attempts: base and cap, in seconds. */
  @IsNumber() @Min(0) backoffBaseSeconds = 1;
  @IsNumber() @Min(0) backoffMaxSeconds = 300;

  /** A handler still running after this is aborted and counted as failed (0 = no limit). */
  @IsInt() @Min(0) handlerTimeoutMs = 60_000;

  /** On SIGTERM/SIGINT, in-flight handlers get this long to finish. */
  @IsInt() @Min(0) shutdownTimeoutMs = 30_000;

  /** What to do with a message whose media type has no handler. */
  @IsIn(['ack', 'dead-letter']) unhandled: 'ack' | 'dead-letter' = 'ack';

  /** Bodies larger than this are dead-lettered unread. */
  @IsInt() @Min(1) maxBodyBytes = 1_048_576;

  /** JSON nested deeper than this is dead-lettered. */
  @IsInt() @Min(1) @Max(10_000) maxDepth = 64;

  /** Opaque-data keys passed on to handlers and to messages they publish; all others are dropped. */
  @IsArray() @IsString({ each: true }) opaqueDataKeys: string[] = [
    'x-request-id',
    'x-request-ttl',
    'x-client',
  ];

  /** Initial hop count given to messages published without one (0 = no TTL). */
  @IsInt() @Min(0) initialTtl = 32;
}
