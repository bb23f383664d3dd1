import { ChangeMessageVisibilityCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import {
  SwitchyardError,
  type DeadLetterDetails,
  type DeadLetterResult,
  type Transport,
  type TransportMessage,
} from '@switchyard/core';
import type { Logger } from 'pino';
import { checkClientSetup } from './clientPreflight.js';
import { DeadLetterSender } from './DeadLetterSender.js';
import { SqsErrorCodes } from './errors.js';
import { readDeadLetterQueue, readQueueInfo, type QueueInfo } from './queueInfo.js';
import type { ReceiptBatcher } from './ReceiptBatcher.js';
import { deleteBatcher, visibilityBatcher, type VisibilityChange } from './sqsBatchers.js';
import type { SqsConfig } from './SqsConfig.js';
import { SqsPoller } from './SqsPoller.js';
import { isRejected, toTransportMessage, type SqsMessage } from './toTransportMessage.js';

// SQS caps a visibility timeout (and so a retry delay) at 12 hours.
const MAX_VISIBILITY_SECONDS = 43_200;
// SQS returns at most 10 messages per ReceiveMessage.
const MAX_PER_RECEIVE = 10;
// Start-up failures that retrying cannot fix: they stop the start.
const FATAL_AT_START: readonly string[] = [
  SqsErrorCodes.QUEUE_NOT_FOUND,
  SqsErrorCodes.DEAD_LETTER_QUEUE_NOT_FOUND,
  SqsErrorCodes.REDRIVE_TARGET_NOT_FOUND,
];

interface Started {
  readonly info: QueueInfo;
  readonly deadLetters?: DeadLetterSender;
  readonly unchecked?: string;
}

/**
 * Consumes one SQS queue. Long polls through `SqsPoller`, deletes and visibility changes go out in
 * batches, and dead-lettering copies to the framework dead-letter queue (or the queue's redrive
 * target) before deleting. The queue and every dead-letter destination (`sqs.deadLetterQueueUrl`,
 * the redrive target) are checked at start: a missing one stops the start naming it and the fix. If
 * the queue disappears later, receive fails naming it, and the daemon reports and retries. With no
 * dead-letter queue at all the start warns once, and `deadLetter` keeps the message (`kept`): hidden
 * for `keptVisibilitySeconds` (at least the visibility timeout, at most 12 h), then delivered again.
 */
export class SqsTransport implements Transport {
  readonly name = 'sqs';
  #info: QueueInfo | undefined;
  #starting: Promise<Started> | undefined;
  #poller: SqsPoller | undefined;
  #deadLetters: DeadLetterSender | undefined;
  readonly #deletes: ReceiptBatcher<string>;
  readonly #visibility: ReceiptBatcher<VisibilityChange>;
  /** Releases of received-but-unstarted messages, awaited by `close`. */
  readonly #releases: Array<Promise<void>> = [];
  /** Deletes and visibility changes failed in a row: the first is logged, not every message. */
  #lateFailures = 0;

  /**
   * `batchSize`: messages asked for per ReceiveMessage (`consumer.batchSize`; SQS allows 10).
   * `releaseClient`: called at close; the client may still serve the producer (see `SharedClient`).
   * `keptVisibilitySeconds`: with no dead-letter queue, how long a message `deadLetter` keeps stays
   * hidden before it is delivered again (the factory passes `consumer.backoffMaxSeconds`).
   */
  constructor(
    private readonly client: SQSClient,
    private readonly config: SqsConfig,
    private readonly logger: Logger,
    private readonly batchSize = 10,
    private readonly releaseClient: () => Promise<void> = async () => client.destroy(),
    private readonly keptVisibilitySeconds = 300,
  ) {
    this.#deletes = deleteBatcher(client, config.queueUrl, config.ackFlushMs);
    this.#visibility = visibilityBatcher(client, config.queueUrl, config.ackFlushMs);
  }

  /**
   * Start-up check: the client can work at all (endpoint, region, credentials: `checkClientSetup`),
   * the queue and its dead-letter destinations exist, and its settings are read; a missing queue,
   * dead-letter queue or redrive target stops the start.
   */
  async start(): Promise<void> {
    await checkClientSetup(this.client, this.config.queueUrl);
    try {
      await this.#start();
    } catch (error) {
      if (FATAL_AT_START.some((code) => SwitchyardError.isCode(error, code))) throw error;
      // Unreachable or throttled is transient: the poll loop retries with backoff and reports it.
      this.logger.warn({ err: error }, 'SQS not reachable at start; will keep trying');
    }
  }

  /** The visibility timeout messages are received with; known once started. */
  get leaseSeconds(): number | undefined {
    return this.#info?.visibilityTimeoutSeconds;
  }

  async receive(max: number, signal: AbortSignal): Promise<TransportMessage[]> {
    const poller = await this.#start();
    // The daemon aborts its receive when it stops: the poller then hands back what it holds and
    // what its polls still bring, released at once (visibility 0) instead of hidden while handlers drain.
    const received = await poller.take(max, signal);
    const messages: TransportMessage[] = [];
    for (const raw of received) {
      const converted = toTransportMessage(raw, this.config.queueUrl, this.config.verifyMd5);
      // A message the transport knows is unusable still goes to core, which dead-letters it with
      // the reason and counts it like any other outcome.
      messages.push(
        isRejected(converted) ? { ...converted.message, rejection: converted.reason } : converted,
      );
    }
    return messages;
  }

  /**
   * Queued for the next DeleteMessageBatch; resolves at once so the daemon's slot is free while the
   * batch fills. `close` flushes. A delete that still fails after its retries is logged, and the
   * message comes back after its visibility timeout: a duplicate, never a loss.
   */
  async ack(message: TransportMessage): Promise<void> {
    this.#settle(this.#deletes.submit(sqs(message).receiptHandle), message, 'delete');
  }

  /** Queued for the next ChangeMessageVisibilityBatch, like `ack`; if it fails the lease simply runs out. */
  async nack(message: TransportMessage, delaySeconds: number): Promise<void> {
    const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(delaySeconds)));
    const change = this.#visibility.submit({ receipt: sqs(message).receiptHandle, seconds });
    this.#settle(change, message, 'change the visibility of');
  }

  /** Logs the first failure of a streak (an outage fails every ack: one line, not thousands). */
  #settle(done: Promise<void>, message: TransportMessage, action: string): void {
    done.then(
      () => {
        if (this.#lateFailures > 0)
          this.logger.info({ failures: this.#lateFailures }, 'deletes and visibility changes work again');
        this.#lateFailures = 0;
      },
      (error: unknown) => {
        this.#lateFailures += 1;
        if (this.#lateFailures === 1)
          this.logger.warn(
            { err: error, messageId: message.id },
            `could not ${action} the message (further failures are not logged until one succeeds); ` +
              'such messages are delivered again after their visibility timeout',
          );
      },
    );
  }

  async extend(message: TransportMessage, seconds: number): Promise<void> {
    // Not batched: a heartbeat is rare and must not wait behind a flush timer.
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.config.queueUrl,
        ReceiptHandle: sqs(message).receiptHandle,
        VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(seconds)),
      }),
    );
  }

  /**
   * Copies to the dead-letter queue, then deletes the original once the copy is confirmed; a copy
   * too large for the queue becomes a bounded record (`bounded`). With no dead-letter queue at all
   * the message is kept (`kept`): hidden for the kept visibility, then delivered again.
   */
  async deadLetter(message: TransportMessage, details: DeadLetterDetails): Promise<DeadLetterResult | void> {
    const target = this.#deadLetters;
    if (target === undefined) {
      // Nothing is deleted without a copy: it stays on the queue and comes back after a bounded wait.
      const seconds = this.#keptSeconds();
      await this.nack(message, seconds);
      return {
        kind: 'kept',
        why:
          `no dead-letter queue: ${this.config.queueUrl} has no redrive policy and sqs.deadLetterQueueUrl ` +
          `is empty; the message stays on the queue and is delivered again in ${seconds} s`,
      };
    }
    const result = await target.send(sqs(message), details);
    await this.ack(message);
    return result;
  }

  /** `keptVisibilitySeconds`, at least the visibility timeout (a message is never back sooner), at most 12 h. */
  #keptSeconds(): number {
    const lease = this.#info?.visibilityTimeoutSeconds ?? 0;
    return Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, lease, Math.round(this.keptVisibilitySeconds)));
  }

  async close(): Promise<void> {
    const polls = this.#poller?.pollsInFlight ?? 0;
    const waitForPolls = this.config.waitForPollsAtStop;
    if (polls > 0 && waitForPolls)
      this.logger.info(
        { pollsInFlight: polls, waitTimeSeconds: this.config.waitTimeSeconds },
        `stopping: letting ${polls} long poll(s) end (at most ${this.config.waitTimeSeconds} s) so that ` +
          'what they receive goes back to the queue at once; sqs.waitForPollsAtStop=false stops without waiting',
      );
    this.#release((await this.#poller?.drain(waitForPolls)) ?? []);
    await Promise.all([this.#deletes.flush(), this.#visibility.flush()]);
    await Promise.allSettled(this.#releases);
    await this.releaseClient();
  }

  /** Visibility 0 for messages received but never handed to the daemon: another consumer gets them now. */
  #release(unstarted: readonly Message[]): void {
    for (const raw of unstarted) {
      const release = this.#visibility.submit({ receipt: raw.ReceiptHandle ?? '', seconds: 0 });
      this.#releases.push(
        release.catch((error: unknown) =>
          this.logger.warn(
            { err: error, messageId: raw.MessageId },
            'could not release an unstarted message',
          ),
        ),
      );
    }
  }

  async #start(): Promise<SqsPoller> {
    if (this.#poller !== undefined) return this.#poller;
    // A failed check is retried on the next receive (the daemon backs off between them).
    this.#starting ??= this.#check().finally(() => {
      this.#starting = undefined;
    });
    const { info, deadLetters, unchecked } = await this.#starting;
    if (this.#poller !== undefined) return this.#poller;
    const visibility = this.config.visibilityTimeoutSeconds || info.visibilityTimeoutSeconds;
    this.#info = { ...info, visibilityTimeoutSeconds: visibility };
    this.#deadLetters = deadLetters;
    const queueUrl = this.config.queueUrl;
    if (deadLetters === undefined)
      this.logger.warn(
        { queueUrl, keptVisibilitySeconds: this.#keptSeconds() },
        `no dead-letter queue for ${queueUrl}: set sqs.deadLetterQueueUrl or give the queue a redrive ` +
          'policy; until then a message that should be dead-lettered stays on the queue, counted as ' +
          `failed and delivered again every ${this.#keptSeconds()} s`,
      );
    if (unchecked !== undefined)
      this.logger.warn(
        { queueUrl, deadLetterQueueUrl: deadLetters?.queueUrl, err: unchecked },
        "could not read the dead-letter queue's attributes (grant sqs:GetQueueAttributes on it); " +
          'assuming it exists and takes 256 KiB',
      );
    this.logger.info(
      { queueUrl, visibility, fifo: info.fifo, deadLetterQueueUrl: deadLetters?.queueUrl },
      'consuming SQS queue',
    );
    this.#poller = new SqsPoller(this.client, {
      queueUrl,
      waitTimeSeconds: this.config.waitTimeSeconds,
      visibilityTimeoutSeconds: visibility,
      pollers: this.config.pollers,
      perCall: Math.min(MAX_PER_RECEIVE, this.batchSize),
      handBack: (messages) => this.#release(messages),
    });
    return this.#poller;
  }

  /** The queue, its redrive target and the configured dead-letter queue: each must exist. */
  async #check(): Promise<Started> {
    const queueUrl = this.config.queueUrl;
    const info = await readQueueInfo(this.client, queueUrl);
    const configured = this.config.deadLetterQueueUrl;
    if (configured !== '') {
      const queue = await readDeadLetterQueue(this.client, configured, { configured: true });
      const deadLetters = new DeadLetterSender(this.client, queue, queueUrl, true);
      return { info, deadLetters, unchecked: queue.unchecked };
    }
    if (info.redrive === undefined) return { info };
    const queue = await readDeadLetterQueue(this.client, info.redrive.url, {
      arn: info.redrive.arn,
      sourceQueueUrl: queueUrl,
    });
    const deadLetters = new DeadLetterSender(this.client, queue, queueUrl, false);
    return { info, deadLetters, unchecked: queue.unchecked };
  }
}

function sqs(message: TransportMessage): SqsMessage {
  return message as SqsMessage;
}
