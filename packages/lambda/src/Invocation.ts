import { ErrorCodes, SwitchyardError, type MessageContext } from '@switchyard/core';
import type { LambdaMessage } from './LambdaMessage.js';

/** What the pipeline learned of a record, as far as it got. */
export interface DecodedOutcome {
  readonly mediaType?: string;
  /** The outcome's reason (the handler's error, a timeout). */
  readonly reason?: string;
}

/** Why a record failed, as the invocation's result reports it. */
export interface FailedRecord {
  readonly message: LambdaMessage;
  readonly why: string;
}

/**
 * One Lambda invocation's records and what became of each. The transport settles a record when core
 * tells it the outcome (ack → succeeded; nack, release, an uncopied dead letter → failed); `finished`
 * resolves once every record is settled. At the deadline the handlers still running are aborted,
 * and `close` fails whatever is still unsettled: a record is reported as succeeded only once core
 * acked it, so a late or lost outcome can only cause a redelivery, never a loss.
 */
export class Invocation {
  readonly finished: Promise<void>;
  readonly #records: LambdaMessage[] = [];
  readonly #unsettled = new Set<LambdaMessage>();
  readonly #failed = new Map<LambdaMessage, string>();
  readonly #running = new Set<MessageContext>();
  readonly #decoded = new WeakMap<LambdaMessage, DecodedOutcome>();
  #resolveFinished!: () => void;
  #expired: SwitchyardError | undefined;
  #closed = false;

  constructor() {
    this.finished = new Promise((resolve) => (this.#resolveFinished = resolve));
  }

  /** The records of this invocation; an empty batch is finished at once. */
  add(messages: readonly LambdaMessage[]): void {
    for (const message of messages) {
      this.#records.push(message);
      this.#unsettled.add(message);
    }
    this.#checkFinished();
  }

  succeeded(message: LambdaMessage): void {
    this.#settle(message);
  }

  failed(message: LambdaMessage, why: string): void {
    if (this.#settle(message)) this.#failed.set(message, why);
  }

  /** The records that failed, in the event's order. */
  get failures(): FailedRecord[] {
    return this.#records.flatMap((message) => {
      const why = this.#failed.get(message);
      return why === undefined ? [] : [{ message, why }];
    });
  }

  get unsettledCount(): number {
    return this.#unsettled.size;
  }

  /**
   * A record's pipeline has started: it is aborted at the deadline (at once if that has passed).
   * Returns the function to call when its pipeline is done.
   */
  watch(context: MessageContext): () => void {
    if (this.#expired !== undefined) {
      context.abortHandler(this.#expired);
      return () => undefined;
    }
    this.#running.add(context);
    return () => this.#running.delete(context);
  }

  /** What the pipeline learned of a record: its media type (for a dead-letter copy) and why it failed. */
  notePipeline(message: LambdaMessage, decoded: DecodedOutcome): void {
    this.#decoded.set(message, decoded);
  }

  pipelineOf(message: LambdaMessage): DecodedOutcome {
    return this.#decoded.get(message) ?? {};
  }

  /** The deadline is near: every running handler is aborted, and every later one on start. */
  expire(remainingMs: number): void {
    this.#expired ??= new SwitchyardError(
      ErrorCodes.HANDLER_TIMEOUT,
      `handler aborted: the Lambda invocation ends in ${Math.round(remainingMs)} ms ` +
        `(raise the function's timeout or lower the batch size)`,
    );
    for (const context of this.#running) context.abortHandler(this.#expired);
  }

  /** The result is being returned: unsettled records are failed, later outcomes ignored. */
  close(why: string): void {
    for (const message of [...this.#unsettled]) this.failed(message, why);
    this.#closed = true;
  }

  /** Whether the record was unsettled (its first outcome counts; the closed invocation's none). */
  #settle(message: LambdaMessage): boolean {
    if (this.#closed || !this.#unsettled.delete(message)) return false;
    this.#checkFinished();
    return true;
  }

  #checkFinished(): void {
    if (this.#unsettled.size === 0) this.#resolveFinished();
  }
}
