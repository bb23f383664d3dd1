import type { WorkerOutput } from '../pool/protocol.js';

/**
 * The handler's records per message id, for a source that answers its sender (HTTP): the handler
 * writes them, the source's ack takes them. Only a source that reads replies creates one.
 */
export class ReplyBook {
  readonly #replies = new Map<string, readonly WorkerOutput[]>();
  readonly #failures = new Map<string, string>();

  set(messageId: string, outputs: readonly WorkerOutput[]): void {
    this.#replies.set(messageId, outputs);
  }

  take(messageId: string): readonly WorkerOutput[] {
    const outputs = this.#replies.get(messageId) ?? [];
    this.#replies.delete(messageId);
    this.#failures.delete(messageId);
    return outputs;
  }

  /** Why the message failed, for the sender's 5xx answer. */
  fail(messageId: string, reason: string): void {
    this.#failures.set(messageId, reason);
  }

  takeFailure(messageId: string): string | undefined {
    const reason = this.#failures.get(messageId);
    this.#failures.delete(messageId);
    return reason;
  }
}
