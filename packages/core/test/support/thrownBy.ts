import { expect } from 'vitest';
import { SwitchyardError } from '../../src/errors/SwitchyardError.js';

/** The SwitchyardError `fn` throws; fails the test when it throws nothing or something else. */
export function thrownBy(fn: () => unknown): SwitchyardError {
  try {
    fn();
  } catch (error) {
    expect(SwitchyardError.is(error)).toBe(true);
    return error as SwitchyardError;
  }
  throw new Error('expected an error, but nothing was thrown');
}
