import type { EachBatchPayload } from 'kafkajs';

// A held batch asks for a heartbeat this often while it waits for its messages to finish.
const HOLD_HEARTBEAT_MS = 250;

/** What a held batch asks of the transport. */
export interface HoldListener {
  /** Whether every fetched offset of the partition up to `offset` has finished (or it is gone). */
  finishedThrough(topic: string, partition: number, offset: number): boolean;
  /** Resolves once `finishedThrough` holds: the hold waits on it instead of polling. */
  whenFinishedThrough(topic: string, partition: number, offset: number): Promise<void>;
  /** kafkajs is about to rejoin: stop dispatching, let in-flight work finish (bounded), commit it. */
  drainForRevoke(timeoutMs: number): Promise<void>;
}

/**
 * kafkajs rejoins a group only once every running eachBatch has returned: holding the batch until
 * its messages finish is the one way to drain before a revoke (kafkajs has no revoke callback).
 * Heartbeats go on meanwhile; the first that reports a rebalance triggers the drain.
 */
export class BatchHold {
  constructor(
    private readonly listener: HoldListener,
    private readonly drainMs: number,
  ) {}

  /**
   * Returns once the batch's last offset finished, or at once when `outdated` says the batch
   * belongs to a replaced consumer or an earlier assignment (its drain would stop the dispatch of
   * the current assignment, which no rebalance would then resume). `onHeartbeat` marks activity.
   */
  async hold(payload: EachBatchPayload, outdated: () => boolean, onHeartbeat: () => void): Promise<void> {
    const { topic, partition } = payload.batch;
    const last = Number(payload.batch.lastOffset());
    const finished = this.listener.whenFinishedThrough(topic, partition, last);
    while (!this.listener.finishedThrough(topic, partition, last)) {
      if (outdated()) return;
      try {
        await payload.heartbeat();
      } catch (error) {
        const rebalancing = (error as { type?: string }).type === 'REBALANCE_IN_PROGRESS';
        if (rebalancing && !outdated()) await this.listener.drainForRevoke(this.drainMs);
        throw error;
      }
      onHeartbeat();
      // Woken the moment the batch finishes; meanwhile a heartbeat (kafkajs throttles them) asks
      // whether a rebalance has begun.
      await raceTimeout(finished, HOLD_HEARTBEAT_MS);
    }
  }
}

/** `work`, or `ms` if that comes first; the timer is cleared either way. */
async function raceTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
