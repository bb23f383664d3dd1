/**
 * Restarts a consumer that stopped fetching without crashing (a known kafkajs failure mode): no
 * activity for `timeoutMs` calls `onStall` once; activity is any fetch, heartbeat or batch.
 */
export class StallWatchdog {
  #lastActivity = Date.now();
  #timer: NodeJS.Timeout | undefined;

  /** @param suspended while true (stopping, restarting) silence is expected and not a stall. */
  constructor(
    private readonly timeoutMs: number,
    private readonly suspended: () => boolean,
    private readonly onStall: (stalledMs: number) => void,
  ) {}

  touch(): void {
    this.#lastActivity = Date.now();
  }

  start(): void {
    this.touch();
    this.#timer ??= setInterval(() => this.#check(), Math.max(1000, this.timeoutMs / 4));
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #check(): void {
    if (this.suspended()) return;
    const stalledMs = Date.now() - this.#lastActivity;
    if (stalledMs < this.timeoutMs) return;
    this.touch();
    this.onStall(stalledMs);
  }
}
