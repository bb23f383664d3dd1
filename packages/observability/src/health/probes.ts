import type { ConsumerConfig, DaemonStatus } from '@switchyard/core';
import type { HealthCheck, HealthCheckResult } from './HealthCheck.js';

export interface ProbeResult {
  readonly ok: boolean;
  readonly body: Record<string, unknown>;
}

/**
 * Live unless the poll loop has stalled: no receive returned for `stallSeconds` although the
 * daemon had room for more messages. A daemon that is full (every slot taken by a long handler)
 * is busy, not dead, and stays live.
 */
export function liveness(
  status: DaemonStatus,
  consumer: ConsumerConfig,
  stallSeconds: number,
  now = performance.now(),
): ProbeResult {
  const sincePoll = status.lastPollAt === 0 ? 0 : (now - status.lastPollAt) / 1000;
  const busy = status.inFlight >= consumer.concurrency;
  const stalled = !busy && status.lastPollAt !== 0 && sincePoll > stallSeconds;
  return {
    ok: !stalled,
    body: {
      status: stalled ? 'stalled' : 'ok',
      secondsSinceLastPoll: round(sincePoll),
      inFlight: status.inFlight,
      busy,
    },
  };
}

/** Ready while connected to the transport, not draining, and every bound check passes. */
export async function readiness(status: DaemonStatus, checks: readonly HealthCheck[]): Promise<ProbeResult> {
  const results: Record<string, HealthCheckResult> = {};
  for (const check of checks) results[check.name] = await runCheck(check);
  const checksOk = Object.values(results).every((result) => result.ok);
  const ok = status.ready && checksOk;
  return {
    ok,
    body: {
      status: ok ? 'ready' : 'not ready',
      connected: status.connected,
      draining: status.draining,
      consecutivePollFailures: status.consecutivePollFailures,
      lastError: status.connected ? undefined : status.lastError,
      checks: results,
    },
  };
}

// A check that throws is a failed check, not a crashed endpoint.
async function runCheck(check: HealthCheck): Promise<HealthCheckResult> {
  try {
    return await check.check();
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

const round = (value: number): number => Math.round(value * 10) / 10;
