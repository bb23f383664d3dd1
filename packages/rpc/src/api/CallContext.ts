import type { HandlerContext } from '@switchyard/core';

/** What a served method knows about the call it is running, as its second parameter. */
export interface CallContext {
  readonly api: string;
  readonly method: string;
  /** Epoch milliseconds after which the caller has given up; nested calls inherit it. */
  readonly deadline: number;
  /** Aborted when the deadline passes, the handler times out, or shutdown's deadline passes. */
  readonly signal: AbortSignal;
  /** The daemon's logger, bound to this call's message. */
  readonly logger: HandlerContext['logger'];
  /** Delivery attempt of the call's message (1 unless the transport redelivered it). */
  readonly attempt: number;
}
