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

export type WorkerReply =
  | { readonly kind: 'ok'; readonly outputs: readonly WorkerOutput[] }
  /** The handler threw: `name` lets SkipMessage / RejectMessage / Nack keep their meaning. */
  | {
      readonly kind: 'threw';
      readonly name: string;
      readonly message: string;
      readonly delaySeconds?: number;
    }
  | { readonly kind: 'probed'; readonly exports: readonly string[] };
