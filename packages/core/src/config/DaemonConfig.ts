import { IsBoolean, IsIn, IsInt, Min } from 'class-validator';
import { configSection } from './configSection.js';

/** Process-level settings. Env: `<DAEMON>__DAEMON__<KEY>`. */
@configSection('daemon')
export class DaemonConfig {
  /** `--debug` sets `debug`. */
  @IsIn(['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']) logLevel = 'info';

  /** `pretty` for people, `json` for log collectors; default: pretty on a terminal. */
  @IsIn(['json', 'pretty']) logFormat: 'json' | 'pretty' = process.stdout.isTTY ? 'pretty' : 'json';

  /** `--testing`: nothing is reported to external services (Sentry). Messages are still published. */
  @IsBoolean() testing = false;

  /** Log a progress line with the outcome counts this often (0 = never). */
  @IsInt() @Min(0) progressIntervalMs = 5000;
}
