import { IsInt, IsString, Max, Min } from 'class-validator';
import { configSection } from '@switchyard/core';

/** Health and metrics endpoints. Env: `<DAEMON>__HEALTH__<KEY>`. */
@configSection('health')
export class HealthConfig {
  /** Port of the health and metrics server (flag `--healthcheck-port`); 0 = no server. */
  @IsInt() @Min(0) @Max(65_535) port = 0;
  /** Address to listen on. */
  @IsString() host = '0.0.0.0';
  /** Not live when the consumer has not polled for this long while it had room for more messages. */
  @IsInt() @Min(1) stallSeconds = 120;
  /**
   * A bound health check that has not answered within this many milliseconds fails (with that
   * reason), so one hanging dependency cannot hang `/health/ready`. Keep it below the probe's own
   * timeout (Kubernetes' `timeoutSeconds`), or the orchestrator gives up before the reason is sent.
   */
  @IsInt() @Min(1) checkTimeoutMs = 2000;
}
