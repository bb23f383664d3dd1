import { IsInt, Max, Min } from 'class-validator';
import { configSection } from '@switchyard/core';

/** Routing-slip settings. Env: `<DAEMON>__ROUTING__<KEY>`. */
@configSection('routing')
export class RoutingConfig {
  /** A message that has visited this many stops is dead-lettered: its route loops. */
  @IsInt() @Min(1) @Max(10_000) maxHops = 32;
}
