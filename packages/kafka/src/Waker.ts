/** Lets one waiting `receive()` sleep until new work arrives, a deadline passes, or it is aborted. */
export class Waker {
  #wake: (() => void) | undefined;

  wake(): void {
    this.#wake?.();
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      this.#wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
