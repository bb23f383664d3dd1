import { IsBoolean, IsInt, IsString, Max, Min } from 'class-validator';
import { configSection, secret } from '@switchyard/core';

/** The opt-in operator console on the health port. Env: `<DAEMON>__CONSOLE__<KEY>`. */
@configSection('console')
export class ConsoleConfig {
  /** Serve the console at `/console` on the health port (flag `--console`; needs `health.port`). */
  @IsBoolean() enabled = false;
  /**
   * Bearer token that allows the console's mutations (replaying dead letters); empty = read-only.
   * Compared in constant time.
   */
  @secret() @IsString() token = '';
  /**
   * Answer console requests from other hosts too. Off by default: the health port listens on every
   * interface for the orchestrator's probes, but the console answers loopback clients only.
   */
  @IsBoolean() allowRemote = false;
  /** Seconds of per-handler outcome rates the console keeps and charts. */
  @IsInt() @Min(10) @Max(3600) historySeconds = 300;
  /** Dead letters listed from the transport's destination (newest first). */
  @IsInt() @Min(1) @Max(1000) deadLetters = 50;
}
