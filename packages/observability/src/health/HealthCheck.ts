/** Bind your own checks (a database ping, a downstream API) under this token; readiness includes them. */
export const HEALTH_CHECK = Symbol.for('switchyard.HealthCheck');

export interface HealthCheckResult {
  readonly ok: boolean;
  readonly detail?: string;
}

export interface HealthCheck {
  readonly name: string;
  check(): Promise<HealthCheckResult> | HealthCheckResult;
}
