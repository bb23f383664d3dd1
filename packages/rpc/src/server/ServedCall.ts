import type { HandlerContext } from '@switchyard/core';
import type { CallContext } from '../api/CallContext.js';

/**
 * The CallContext of one served call. `logger` and `signal` are built on first read: a child logger
 * and a deadline timer per call were a fifth of a call's CPU in the profile (bench/README.md, RPC),
 * and most methods read neither. A timer made here fires only if the deadline passes while the
 * method still runs its course.
 */
export class ServedCall implements CallContext {
  readonly attempt: number;
  #signal: AbortSignal | undefined;

  constructor(
    readonly api: string,
    readonly method: string,
    readonly deadline: number,
    private readonly context: HandlerContext,
  ) {
    this.attempt = context.attempt;
  }

  get logger(): HandlerContext['logger'] {
    return this.context.logger;
  }

  get signal(): AbortSignal {
    this.#signal ??= AbortSignal.any([
      this.context.signal,
      AbortSignal.timeout(Math.max(0, this.deadline - Date.now())),
    ]);
    return this.#signal;
  }
}
