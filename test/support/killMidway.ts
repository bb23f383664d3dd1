import type { ChildProcess } from 'node:child_process';
import { until } from './until.js';

export interface Killed {
  /** What the process printed before it was killed. */
  readonly stdout: string;
  readonly stderr: string;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Waits until `partWay()` holds while `child` runs, then SIGKILLs it (no handler runs, nothing is
 * flushed or released) and waits for it to be gone. Fails naming the output if it ended first.
 */
export async function killMidway(
  child: ChildProcess,
  partWay: () => Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<Killed> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  let ended = false;
  void exited.then(() => (ended = true));
  try {
    await until(
      what,
      async () => {
        if (ended) throw new Error(`the process ended before ${what}:\n${stdout}\n${stderr}`);
        return partWay();
      },
      timeoutMs,
    );
  } finally {
    child.kill('SIGKILL');
  }
  return { stdout, stderr, signal: await exited };
}
