import { injectable } from '@switchyard/core';

/** Per-stop counts for the summary line and the status page; one per stop daemon. */
@injectable()
export class StopStats {
  received = 0;
  forwarded = 0;
  /** Routes that ended here (the last stop, or `route.end()`). */
  ended = 0;
  dropped = 0;

  snapshot(): { received: number; forwarded: number; ended: number; dropped: number } {
    return { received: this.received, forwarded: this.forwarded, ended: this.ended, dropped: this.dropped };
  }
}
