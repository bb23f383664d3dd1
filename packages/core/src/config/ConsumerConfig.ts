import { IsArray, IsIn, IsInt, IsNumber, IsString, Max, Min, ValidateBy } from 'class-validator';
import { DEFAULT_MAX_KEYS } from '../messages/safeJson.js';
import { configSection } from './configSection.js';

/** How the daemon consumes: concurrency, retries, limits, shutdown. Env: `<DAEMON>__CONSUMER__<KEY>`. */
@configSection('consumer')
export class ConsumerConfig {
  /** Messages handled at once; the daemon never holds more than this many (flag `--concurrency`). */
  @IsInt() @Min(1) @Max(10_000) concurrency = 16;

  /**
   * Most messages asked of the broker in one call: SQS's MaxNumberOfMessages per ReceiveMessage
   * (SQS allows 10). Each receive is offered the daemon's whole free room; SQS fills it with up to
   * `sqs.pollers` calls at once, the embedded bus and Kafka hand over up to the room from their buffer.
   */
  @IsInt() @Min(1) @Max(1000) batchSize = 10;

  /**
   * A running handler's lease (SQS visibility timeout) is extended each time this fraction of it
   * has passed, by another full lease: lower means earlier, more frequent extensions.
   */
  @IsFraction() leaseExtendFraction = 0.5;

  /** Deliveries before a failing message is dead-lettered. */
  @IsInt() @Min(1) maxAttempts = 5;

  /** Full-jitter backoff between attempts: the base, in seconds (attempt n waits up to base × 2ⁿ⁻¹). */
  @IsNumber() @Min(0) backoffBaseSeconds = 1;
  /** Full-jitter backoff between attempts: the cap, in seconds. */
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

  /**
   * JSON with more object keys and array items than this (in all, at every level; a key written
   * twice counts twice) is dead-lettered before it is parsed: it bounds the CPU one body costs (the
   * default keeps any accepted body under ~50 ms; see DEFAULT_MAX_KEYS for the measurements).
   */
  @IsInt() @Min(1) maxKeys = DEFAULT_MAX_KEYS;

  /** Opaque-data keys passed on to handlers and to messages they publish; all others are dropped. */
  @IsArray() @IsString({ each: true }) opaqueDataKeys: string[] = [
    'x-request-id',
    'x-request-ttl',
    'x-client',
  ];

  /** Initial hop count given to messages published without one (0 = no TTL). */
  @IsInt() @Min(0) initialTtl = 32;
}

/** A number strictly between 0 and 1. */
function IsFraction(): PropertyDecorator {
  return ValidateBy({
    name: 'isFraction',
    validator: {
      validate: (value: unknown) => typeof value === 'number' && value > 0 && value < 1,
      defaultMessage: () => 'must be a number greater than 0 and less than 1',
    },
  });
}
