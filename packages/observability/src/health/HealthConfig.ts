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
}
