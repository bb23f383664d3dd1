import type { MessagePort } from 'node:worker_threads';

/**
 * What crosses between the daemon and a worker. Plain data only: both worker threads (structured
 * clone) and child processes (advanced serialization) carry it unchanged, Buffers as Uint8Arrays.
 */

/** One message for the handler. */
export interface WorkerTask {
  readonly kind: 'message';
  readonly body: Uint8Array;
  readonly messageId: string;
  readonly key?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly mediaType: string;
  readonly attempt: number;
  readonly source: string;
}

/**
 * The messages handed to one worker at once (`processor.concurrency`), in one postMessage round
 * trip. Without `answers`: all started together, answered together, one reply per message in the
 * same order. With `answers` (a sync handler on a worker thread): run one after another, each
 * answered on that port as it ends (an `InTurnAnswer`); the batch's own reply then has no replies.
 */
export interface BatchTask {
  readonly kind: 'batch';
  readonly messages: readonly WorkerTask[];
  readonly answers?: MessagePort;
}

/** One message of an in-turn batch, answered as soon as it ended. */
export interface InTurnAnswer {
  readonly index: number;
  readonly reply: WorkerReply;
}

/** Loads the handler and runs its initContext, reporting what it exports (the start-up check). */
export interface ProbeTask {
  readonly kind: 'probe';
}

/** One record for the sink, as the handler's return value described it. */
export interface WorkerOutput {
  readonly key?: string;
  readonly value: Uint8Array | string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A thrown error, by name, so SkipMessage / RejectMessage / Nack keep their meaning. */
export interface ThrownReply {
  readonly kind: 'threw';
  readonly name: string;
  readonly message: string;
  readonly delaySeconds?: number;
}

/** What one message came to. */
export type WorkerReply = { readonly kind: 'ok'; readonly outputs: readonly WorkerOutput[] } | ThrownReply;

export interface BatchReply {
  readonly kind: 'batch';
  readonly replies: readonly WorkerReply[];
}

export type ProbeReply =
  | {
      readonly kind: 'probed';
      readonly exports: readonly string[];
      /** handleEvent is an `async function` (its messages may run several at once in a worker). */
      readonly asyncHandleEvent: boolean;
    }
  | ThrownReply;
