import type { HealthCheck } from '@switchyard/observability';
import type { WorkerPool } from './WorkerPool.js';

/**
 * Readiness that means progress, not a connection: with messages waiting for the workers, a
 * handled message must have come back within twice `timeoutMs` (a stuck worker is stopped at
 * `timeoutMs`), else the processor is not ready. Idle is ready.
 */
export function poolProgressCheck(pool: WorkerPool, timeoutMs: number): HealthCheck {
  let lastCompleted = pool.completed;
  let lastProgressAt = Date.now();
  return {
    name: 'worker-pool',
    check: () => {
      const completed = pool.completed;
      if (completed !== lastCompleted || pool.queued === 0) {
        lastCompleted = completed;
        lastProgressAt = Date.now();
      }
      const stalledMs = Date.now() - lastProgressAt;
      const ok = stalledMs <= 2 * timeoutMs;
      return {
        ok,
        detail: `${pool.workers} workers, ${completed} handled, ${pool.queued} waiting${ok ? '' : `, no message finished for ${Math.round(stalledMs / 1000)} s`}`,
      };
    },
  };
}
