import type { ErrorCode } from './codes.js';

const brand = Symbol.for('switchyard.error');

/**
 * The one error base of switchyard. Errors carry a stable `code` (see `codes.ts`) so callers match
 * on codes, never on class names or message text.
 */
export class SwitchyardError extends Error {
  readonly [brand] = true;

  constructor(
    /** One of `ErrorCodes`, or a code of a switchyard package (e.g. `SWITCHYARD_SQS_…`). */
    readonly code: ErrorCode | (string & {}),
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SwitchyardError';
  }

  static is(value: unknown): value is SwitchyardError {
    return typeof value === 'object' && value !== null && brand in value;
  }

  static isCode(value: unknown, code: ErrorCode | (string & {})): value is SwitchyardError {
    return SwitchyardError.is(value) && value.code === code;
  }
}
