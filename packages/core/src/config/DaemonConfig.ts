import { IsBoolean, IsIn, IsInt, IsString, Min } from 'class-validator';
import { configSection } from './configSection.js';

/** Process-level settings. Env: `<DAEMON>__DAEMON__<KEY>`. */
@configSection('daemon')
export class DaemonConfig {
  /** Least severe level logged (`--debug` sets `debug`). */
  @IsIn(['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']) logLevel = 'info';

  /** `pretty` for people, `json` for log collectors; default: pretty on a terminal. */
  @IsIn(['json', 'pretty']) logFormat: 'json' | 'pretty' = process.stdout.isTTY ? 'pretty' : 'json';

  /** `--testing`: nothing is reported to external services (Sentry). Messages are still published. */
  @IsBoolean() testing = false;

  /**
   * `--transport`: the transport to consume from, by name (`kafka`, `sqs`, `memory`). Empty: the
   * first listed transport whose config is set, else the embedded bus. Needed when a daemon is
   * configured for two transports, consuming from one and publishing to the other.
   */
  @IsString() transport = '';

  /** Log a progress line with the outcome counts this often (0 = never). */
  @IsInt() @Min(0) progressIntervalMs = 5000;
}
