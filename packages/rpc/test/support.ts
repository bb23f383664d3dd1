import { ContainerModule, MemoryBroker, type RunningDaemon } from '@switchyard/core';
import type { ApiDaemon } from '@switchyard/rpc';

/** Starts `daemon` quietly on `broker`, the process's embedded bus shared with the test's clients. */
export function startOn(
  broker: MemoryBroker,
  daemon: ApiDaemon,
  argv: string[] = [],
): Promise<RunningDaemon> {
  const shared = new ContainerModule(({ rebind }) => {
    rebind(MemoryBroker).toConstantValue(broker);
  });
  return daemon.start({
    argv: ['--testing', '--set', 'daemon.logLevel=silent', '--set', 'memory.waitMs=20', ...argv],
    env: {},
    modules: [shared],
  });
}

/** Resolves with the first outcome `running` records of the given kind. */
export function nextOutcome(
  running: RunningDaemon,
  kind: string,
): Promise<{ reason?: string; mediaType?: string }> {
  return new Promise((resolve) => {
    const stop = running.counter.onRecord(({ outcome, mediaType }) => {
      if (outcome.kind !== kind) return;
      stop();
      resolve({ reason: outcome.reason, mediaType });
    });
  });
}
