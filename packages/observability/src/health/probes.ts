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

/**
 * Ready while connected to the transport, not draining, and every bound check passes. Checks run
 * at once, each bounded by `checkTimeoutMs`, so the probe answers within about that time.
 */
export async function readiness(
  status: DaemonStatus,
  checks: readonly HealthCheck[],
  checkTimeoutMs: number,
): Promise<ProbeResult> {
  const settled = await Promise.all(checks.map((check) => runCheck(check, checkTimeoutMs)));
  const results = Object.fromEntries(checks.map((check, index) => [check.name, settled[index]!]));
  const checksOk = settled.every((result) => result.ok);
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

// A check that throws, or does not answer in time, is a failed check, not a crashed or hung endpoint.
async function runCheck(check: HealthCheck, timeoutMs: number): Promise<HealthCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<HealthCheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    // Called inside then(): a check that throws synchronously becomes a rejection like any other.
    return await Promise.race([Promise.resolve().then(() => check.check()), timedOut]);
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

const round = (value: number): number => Math.round(value * 10) / 10;
