import { isDeepStrictEqual } from 'node:util';
import type { TestDaemon } from './TestDaemon.js';

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function containsFields(actual: Record<string, unknown>, expected: Record<string, unknown>): boolean {
  return Object.entries(expected).every(([key, value]) => isDeepStrictEqual(actual[key], value));
}

/**
 * Assertions on a `TestDaemon`, in the shape `expect.extend` takes (vitest and jest):
 *
 *   expect.extend(switchyardMatchers);
 *   expect(daemon).toHavePublished('application/vnd.acme.thing', { id: 1 });
 */
export const switchyardMatchers = {
  toHavePublished(
    received: TestDaemon,
    mediaType: string,
    fields: Record<string, unknown> = {},
  ): MatcherResult {
    const candidates = received.published(mediaType);
    const pass = candidates.some((message) => containsFields(message.content, fields));
    return {
      pass,
      message: () =>
        `expected ${pass ? 'no ' : ''}published ${mediaType} with ${JSON.stringify(fields)}; published: ${JSON.stringify(received.published())}`,
    };
  },

  toHavePublishedNothing(received: TestDaemon): MatcherResult {
    const published = received.published();
    return {
      pass: published.length === 0,
      message: () =>
        published.length === 0
          ? 'expected something published, got nothing'
          : `expected nothing published, got ${JSON.stringify(published)}`,
    };
  },

  toHaveDeadLettered(received: TestDaemon, reason: string | RegExp): MatcherResult {
    const reasons = received.deadLetters().map((letter) => letter.reason);
    const pass = reasons.some((text) =>
      typeof reason === 'string' ? text.includes(reason) : reason.test(text),
    );
    return {
      pass,
      message: () =>
        `expected ${pass ? 'no ' : ''}dead letter matching ${String(reason)}; dead letters: ${JSON.stringify(reasons)}`,
    };
  },
};

/** For vitest's types: `declare module 'vitest' { interface Matchers<R, T> extends SwitchyardAssertions<R> {} }`. */
export interface SwitchyardAssertions<R = unknown> {
  toHavePublished(mediaType: string, fields?: Record<string, unknown>): R;
  toHavePublishedNothing(): R;
  toHaveDeadLettered(reason: string | RegExp): R;
}
