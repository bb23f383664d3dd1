/**
 * Resolves after `ms`, or at once when `signal` aborts; never rejects. The abort listener is
 * removed when the time is up, so a long-lived signal does not collect one listener per wait.
 */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
