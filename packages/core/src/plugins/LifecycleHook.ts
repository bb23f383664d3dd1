import type { Container } from 'inversify';

/**
 * Work that starts with the daemon and stops after it, such as an HTTP server for health checks.
 * Bound under `TOKENS.LifecycleHook`; started in binding order once the daemon consumes, stopped in
 * reverse order after it has drained.
 */
export interface LifecycleHook {
  readonly name: string;
  start(container: Container): Promise<void> | void;
  stop(): Promise<void> | void;
}
