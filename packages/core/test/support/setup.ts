import 'reflect-metadata';
import { expect } from 'vitest';
import { switchyardMatchers, type SwitchyardAssertions } from '../../src/testing/index.js';

expect.extend(switchyardMatchers);

declare module 'vitest' {
  /* eslint-disable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars -- the augmentation must repeat vitest's own type parameters */
  interface Matchers<
    R extends void | Promise<void> = void | Promise<void>,
    T = unknown,
  > extends SwitchyardAssertions<R> {}
  /* eslint-enable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
}
