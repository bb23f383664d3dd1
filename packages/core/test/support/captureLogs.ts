import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/createLogger.js';

/** A real JSON logger (redaction included) whose lines a test can read back as objects. */
export function captureLogs(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger('captured', level, 'json', stream),
    /** Everything written so far, as raw text (to check that a secret never appears). */
    text: (): string => lines.join('\n'),
    entries: (): Array<Record<string, unknown>> =>
      lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
