/**
 * Errors a handler throws on purpose to choose its message's outcome. Anything else it throws is a
 * failure, retried with backoff until the attempts run out.
 */

/** Acknowledge without handling: the outcome is `skipped`. */
export class SkipMessage extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SkipMessage';
  }
}

/** Redeliver after `delaySeconds` (0 allowed): the outcome is `retried`. Counts as an attempt. */
export class Nack extends Error {
  constructor(
    readonly delaySeconds: number,
    reason = 'handler asked for redelivery',
  ) {
    super(reason);
    this.name = 'Nack';
    if (!Number.isFinite(delaySeconds) || delaySeconds < 0) {
      throw new RangeError(`Nack delay must be a number of seconds >= 0, got ${delaySeconds}`);
    }
  }
}

/** The message can never succeed: dead-letter it now, with this reason. */
export class RejectMessage extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RejectMessage';
  }
}
