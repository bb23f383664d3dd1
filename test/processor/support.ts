import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RecordedOutcome, type RunningDaemon } from '@switchyard/core';
import { prepareProcessor, type PreparedProcessor } from '@switchyard/processor';
import { pino, type Logger } from 'pino';

// Removed when the test process ends (a failed test's folder stays until then, to look at).
const created: string[] = [];
process.once('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder holding `config.yaml` and the given files (handler.mjs, package.json, …). */
export function projectDir(config: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'processor-'));
  created.push(dir);
  writeFileSync(join(dir, 'config.yaml'), config);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export interface RunningProcessor extends PreparedProcessor {
  readonly running: RunningDaemon;
  /** Every outcome recorded so far, in order. */
  readonly outcomes: RecordedOutcome[];
  /** Stops the daemon (which drains, then closes the pool and the sink). */
  stop(): Promise<void>;
}

/**
 * `dir/config.yaml` prepared and started in this process, as `switchyard process` does it; logs
 * silent unless PROCESSOR_TEST_LOG names a level.
 */
export async function runProcessor(
  dir: string,
  options: { sets?: string[]; env?: Record<string, string>; argv?: string[]; logger?: Logger } = {},
): Promise<RunningProcessor> {
  const env = { ...process.env, ...options.env } as Record<string, string>;
  const prepared = await prepareProcessor(join(dir, 'config.yaml'), { env, sets: options.sets });
  let running: RunningDaemon;
  try {
    running = await prepared.daemon.start({
      argv: [...prepared.argv, ...(options.argv ?? [])],
      env,
      logger: options.logger ?? pino({ level: process.env.PROCESSOR_TEST_LOG ?? 'silent' }),
    });
  } catch (error) {
    await prepared.pool.close();
    throw error;
  }
  const outcomes: RecordedOutcome[] = [];
  running.counter.onRecord((recorded) => outcomes.push(recorded));
  return {
    ...prepared,
    running,
    outcomes,
    stop: async () => {
      await running.stop();
      await prepared.pool.close();
    },
  };
}

/** A handler module (ESM) for the tests: `body` is handleEvent's body, `(context, data)` in scope. */
export const handlerModule = (body: string): string =>
  `export async function handleEvent(context, data) {\n${body}\n}\n`;
