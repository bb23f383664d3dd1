/**
 * Runs `work` with a signal that aborts on SIGINT or SIGTERM, so a long command (tail, a watch, a
 * replay) stops cleanly: a replay finishes the message it is sending and releases what it holds.
 */
export async function untilInterrupted<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}
