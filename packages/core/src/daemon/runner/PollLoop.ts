import type { Logger } from 'pino';
import { fullJitterDelaySeconds } from '../../outcomes/backoff.js';
import { describeError } from '../../pipeline/stages/ClassifyErrorsStage.js';
import { wait } from '../../timing/wait.js';
import type { Transport, TransportMessage } from '../../transport/Transport.js';
import type { DaemonStatus } from '../DaemonStatus.js';
import type { PermitGate } from './PermitGate.js';

// Transport errors while polling back off from 100 ms up to 30 s, with jitter.
const POLL_BACKOFF = { baseSeconds: 0.1, maxSeconds: 30 };
// A backlog is handled in microtasks (receive, handle, ack): give I/O (health probes, broker
// sockets) a turn at least this often, or a deep queue would starve them until it is empty.
const YIELD_EVERY_MS = 10;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Receives while the gate has room (never more than it has) and hands each batch on; a failing
 * transport is retried with backoff, logging the first failure of a streak only.
 */
export class PollLoop {
  constructor(
    private readonly transport: Transport,
    private readonly gate: PermitGate,
    private readonly status: DaemonStatus,
    private readonly logger: Logger,
  ) {}

  async run(signal: AbortSignal, onBatch: (batch: TransportMessage[]) => void): Promise<void> {
    let failureStreak = 0;
    let lastTurn = performance.now();
    while (!signal.aborted) {
      await this.gate.waitForRoom(signal);
      if (performance.now() - lastTurn >= YIELD_EVERY_MS) {
        await nextTurn();
        lastTurn = performance.now();
      }
      if (signal.aborted) break;
      let batch: TransportMessage[];
      try {
        // The whole room: a transport may fill it with several fetches at once (SQS pollers).
        batch = await this.transport.receive(this.gate.room, signal);
        if (failureStreak > 0) this.logger.info({ failures: failureStreak }, 'receive recovered');
        failureStreak = 0;
        this.status.pollSucceeded();
      } catch (error) {
        if (signal.aborted) break;
        failureStreak += 1;
        this.status.pollFailed(describeError(error));
        // Log the first failure of a streak, not every retry: a down broker must not flood the logs.
        if (failureStreak === 1)
          this.logger.error({ err: error }, 'receive failed; backing off and retrying');
        await wait(fullJitterDelaySeconds(failureStreak, POLL_BACKOFF) * 1000, signal);
        continue;
      }
      if (batch.length > 0) onBatch(batch);
    }
  }
}
