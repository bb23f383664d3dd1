import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach } from 'vitest';
import {
  DEAD_LETTER_ATTRIBUTES,
  MemoryBroker,
  type RecordedOutcome,
  type RunningDaemon,
} from '@switchyard/core';
import { prepareProcessor, type PreparedProcessor } from '../src/index.js';

// Removed when the test process ends (a failed test's folder stays until then, to look at).
const created: string[] = [];
process.once('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A folder with config.yaml and the given files (handler.mjs, package.json, …). */
export function projectDir(config: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'processor-'));
  created.push(dir);
  writeFileSync(join(dir, 'config.yaml'), config);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export interface StartedProcessor extends PreparedProcessor {
  readonly running: RunningDaemon;
  readonly broker: MemoryBroker;
  readonly outcomes: RecordedOutcome[];
  /** Bodies on a memory queue, as text. */
  texts(queue: string): string[];
  deadLetters(queue: string): { body: string; reason: string }[];
}

/**
 * For a test file: `startProcessor`, with the processor it started stopped (and its pool closed)
 * after each test.
 */
export function processorPerTest(): typeof startProcessor {
  let started: StartedProcessor | undefined;
  afterEach(async () => {
    await started?.running.stop();
    await started?.pool.close();
    started = undefined;
  });
  return async (dir, options) => (started = await startProcessor(dir, options));
}

/** Prepares and starts the processor of `dir/config.yaml` (memory bus, silent logs). */
export async function startProcessor(
  dir: string,
  options: { sets?: string[]; env?: Record<string, string>; argv?: string[] } = {},
): Promise<StartedProcessor> {
  const env = options.env ?? {};
  const prepared = await prepareProcessor(join(dir, 'config.yaml'), { env, sets: options.sets });
  const running = await prepared.daemon.start({
    argv: [...prepared.argv, '--set', 'consumer.backoffBaseSeconds=0', ...(options.argv ?? [])],
    env,
    logger: pino({ level: 'silent' }),
  });
  const outcomes: RecordedOutcome[] = [];
  running.counter.onRecord((recorded) => outcomes.push(recorded));
  const broker = running.container.get(MemoryBroker);
  return {
    ...prepared,
    running,
    broker,
    outcomes,
    texts: (queue) =>
      broker
        .queue(queue)
        .peekAll()
        .map((message) => text(message.body)),
    deadLetters: (queue) =>
      broker
        .deadLetterQueue(queue)
        .peekAll()
        .map((message) => ({
          body: text(message.body),
          reason: message.attributes[DEAD_LETTER_ATTRIBUTES.reason] ?? '',
        })),
  };
}

function text(body: string | Uint8Array | null): string {
  if (body === null) return '';
  return typeof body === 'string' ? body : Buffer.from(body).toString();
}

export const MEMORY_CONFIG = (processor: string, sink = 'kind: memory'): string => `
processor:
${processor
  .trim()
  .split('\n')
  .map((line) => `  ${line}`)
  .join('\n')}
source:
  kind: memory
  queue: in
sink:
  ${sink}
`;
