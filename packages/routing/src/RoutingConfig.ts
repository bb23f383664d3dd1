import { IsArray, IsInt, Matches, Max, Min } from 'class-validator';
import { configSection } from '@switchyard/core';

/** Routing-slip settings. Env: `<DAEMON>__ROUTING__<KEY>`. */
@configSection('routing')
export class RoutingConfig {
  /** A message that has visited this many stops is dead-lettered: its route loops. */
  @IsInt() @Min(1) @Max(10_000) maxHops = 32;

  /**
   * Stops that consume from another transport than this daemon's, as `stop=transport` pairs
   * (`whitelist=sqs`): forwarding to such a stop publishes through that transport. This is how
   * one pipeline mixes buses; a route may also name a stop qualified already (`sqs:whitelist`).
   */
  @IsArray()
  @Matches(/^[^=:\s]+=[a-z][a-z0-9-]*$/, { each: true, message: 'each entry must be stop=transport' })
  stopTransports: string[] = [];

  /** Where a forward to `stop` goes: `transport:stop` when configured so, else `stop` as given. */
  destinationOf(stop: string): string {
    const pair = this.stopTransports.find((entry) => entry.slice(0, entry.indexOf('=')) === stop);
    return pair === undefined ? stop : `${pair.slice(pair.indexOf('=') + 1)}:${stop}`;
  }
}
