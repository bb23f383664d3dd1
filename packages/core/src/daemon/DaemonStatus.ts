/**
 * What the daemon knows about its own health; health endpoints and metrics read it. Ready means
 * "connected and not draining"; the poll clock tells a stalled loop from a busy one.
 */
export class DaemonStatus {
  connected = false;
  draining = false;
  /** `performance.now()` of the last receive that returned (with or without messages). */
  lastPollAt = 0;
  consecutivePollFailures = 0;
  lastError?: string;
  inFlight = 0;

  get ready(): boolean {
    return this.connected && !this.draining;
  }

  pollSucceeded(): void {
    this.connected = true;
    this.lastPollAt = performance.now();
    this.consecutivePollFailures = 0;
  }

  pollFailed(error: string): void {
    this.connected = false;
    this.lastPollAt = performance.now();
    this.consecutivePollFailures += 1;
    this.lastError = error;
  }
}
