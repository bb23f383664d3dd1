import type {
  Context,
  MSKEvent,
  SelfManagedKafkaEvent,
  SNSEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import type { RunningDaemon } from '@switchyard/core';
import type { FailedRecord } from './Invocation.js';
import type { LambdaHandlerOptions } from './LambdaHandlerOptions.js';
import { LambdaRuntime, type DaemonClass } from './LambdaRuntime.js';
import { requireKafkaEvent, requireSnsEvent, requireSqsEvent } from './eventShape.js';
import { fromKafkaRecord } from './records/kafkaRecord.js';
import { fromSnsRecord } from './records/snsRecord.js';
import { fromSqsRecord } from './records/sqsRecord.js';

/** A Lambda handler running a daemon, with access to it (tests, warm-up) and a way to stop it. */
export interface LambdaHandler<TEvent, TResult> {
  (event: TEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<TResult>;
  /** The daemon, started if it was not yet (e.g. at module scope, to build the graph during init). */
  daemon(): Promise<RunningDaemon>;
  /** Stops the daemon; the next invocation starts a new one. */
  stop(): Promise<void>;
}

/** Kafka's partial batch response: a record by its `topic-partition` and offset. */
export interface KafkaBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: { partition: string; offset: number } }>;
}

// A thrown error names this many failed records, then how many more.
const NAMED_FAILURES = 5;

/**
 * For an SQS-triggered function: runs the event's records through the daemon's graph and pipeline
 * and returns `{ batchItemFailures }` naming exactly the records that failed or were retried (the
 * event source mapping needs `ReportBatchItemFailures`), or, with `partialBatchResponse: false`,
 * throws when any failed, so the whole batch returns to the queue.
 */
export function toLambdaHandler(
  Daemon: DaemonClass,
  options: LambdaHandlerOptions = {},
): LambdaHandler<SQSEvent, SQSBatchResponse> {
  const runtime = new LambdaRuntime(Daemon, options);
  const partial = options.partialBatchResponse ?? true;
  return withRuntime(runtime, async (input: SQSEvent, context) => {
    const event = requireSqsEvent(input);
    const failures = await runtime.run(
      (invocation) => event.Records.map((record) => fromSqsRecord(record, invocation)),
      context,
    );
    if (!partial) throwIfAny(failures, event.Records.length);
    return {
      batchItemFailures: failures.map(({ message }) => ({
        itemIdentifier: message.itemIdentifier as string,
      })),
    };
  });
}

/**
 * For an SNS-subscribed function. SNS invokes asynchronously and has no partial response: when a
 * record fails the handler throws, Lambda retries the event (twice by default), then hands it to
 * the function's on-failure destination or dead-letter queue, and drops it if there is none.
 */
export function toSnsHandler(
  Daemon: DaemonClass,
  options: LambdaHandlerOptions = {},
): LambdaHandler<SNSEvent, void> {
  const runtime = new LambdaRuntime(Daemon, options);
  return withRuntime(runtime, async (input: SNSEvent, context) => {
    const event = requireSnsEvent(input);
    const failures = await runtime.run(
      (invocation) => event.Records.map((record) => fromSnsRecord(record, invocation)),
      context,
    );
    throwIfAny(failures, event.Records.length);
  });
}

/**
 * For an MSK or self-managed Kafka event source. By default a failure throws: Lambda retries the
 * whole batch (for ever unless the mapping sets MaximumRetryAttempts or a maximum record age), and
 * the partition waits. With `partialBatchResponse: true` (a provisioned-mode mapping with
 * `ReportBatchItemFailures`) the failed records are returned instead, as `topic-partition` and
 * offset; Lambda resumes each partition from its lowest failed offset.
 */
export function toKafkaHandler(
  Daemon: DaemonClass,
  options: LambdaHandlerOptions = {},
): LambdaHandler<MSKEvent | SelfManagedKafkaEvent, KafkaBatchResponse> {
  const runtime = new LambdaRuntime(Daemon, options);
  const partial = options.partialBatchResponse ?? false;
  return withRuntime(runtime, async (input: MSKEvent | SelfManagedKafkaEvent, context) => {
    const records = Object.values(requireKafkaEvent(input).records).flat();
    const failures = await runtime.run(
      (invocation) => records.map((record) => fromKafkaRecord(record, invocation)),
      context,
    );
    if (!partial) throwIfAny(failures, records.length);
    return {
      batchItemFailures: failures.map(({ message }) => ({
        itemIdentifier: message.itemIdentifier as { partition: string; offset: number },
      })),
    };
  });
}

function withRuntime<TEvent, TResult>(
  runtime: LambdaRuntime,
  handle: (event: TEvent, context: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<TResult>,
): LambdaHandler<TEvent, TResult> {
  return Object.assign(handle, {
    daemon: async () => (await runtime.daemon()).running,
    stop: () => runtime.stop(),
  });
}

/** Throws one line naming the failed records, so Lambda retries the event. */
function throwIfAny(failures: readonly FailedRecord[], total: number): void {
  if (failures.length === 0) return;
  const named = failures
    .slice(0, NAMED_FAILURES)
    .map(({ message, why }) => `${message.id}: ${why}`)
    .join('; ');
  const more = failures.length > NAMED_FAILURES ? `; and ${failures.length - NAMED_FAILURES} more` : '';
  throw new Error(
    `${failures.length} of ${total} records failed (${named}${more}); throwing so Lambda retries the event`,
  );
}
