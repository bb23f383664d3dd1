import type { RunningDaemon, StartOptions } from '@switchyard/core';

/** How a Lambda handler runs its daemon. */
export interface LambdaHandlerOptions extends Pick<StartOptions, 'argv' | 'env' | 'modules' | 'logger'> {
  /**
   * Where dead letters go: a destination of the daemon's producer (a queue name or URL, `sqs:…`,
   * `kafka:topic`). The copy carries the reason, source and attempts (`x-dead-letter-reason`,
   * `x-original-source`, `x-attempts`), and once it is confirmed the record counts as done. Unset:
   * a dead-letter outcome is reported to Lambda as a failed record, and the event source's own
   * failure handling moves it (an SQS queue's redrive policy after `maxReceiveCount` receives).
   */
  readonly deadLetterDestination?: string;
  /**
   * Handlers still running this long before the Lambda deadline (`getRemainingTimeInMillis()`)
   * are aborted and their records reported as failed; records not yet started fail at once.
   * Default 1000.
   */
  readonly deadlineMarginMs?: number;
  /**
   * Return failed records in `batchItemFailures` (needs `ReportBatchItemFailures` in the event
   * source mapping's FunctionResponseTypes, else Lambda ignores the list and deletes the whole
   * batch) rather than throwing, which retries the whole batch. Default: true for SQS, false for
   * Kafka (its partial response needs a provisioned-mode event source mapping). SNS always throws.
   */
  readonly partialBatchResponse?: boolean;
  /**
   * Awaited after each invocation's records have their outcomes, before the handler returns: Lambda
   * freezes the container once it has, so whatever buffers must be sent now (e.g.
   * `() => Sentry.flush(2000)`: the Sentry plugin flushes only when the daemon stops). A failure is
   * logged; the records' outcomes stand.
   */
  readonly afterInvocation?: (daemon: RunningDaemon) => unknown;
}

export const DEFAULT_DEADLINE_MARGIN_MS = 1000;
