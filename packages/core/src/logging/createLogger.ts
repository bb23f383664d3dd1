import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

/**
 * Structured logs (pino). Keys that commonly hold secrets are redacted wherever they appear one or
 * two levels deep, so logging a config object or an error with request data cannot leak them.
 */
const SECRET_KEYS = [
  'password',
  'secret',
  'token',
  'authorization',
  'cookie',
  'apiKey',
  'dsn',
  'credentials',
];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** JSON logs go to `destination` (default: standard output), e.g. a stream a test reads. */
export function createLogger(
  name: string,
  level: string,
  format: LogFormat,
  destination?: DestinationStream,
): Logger {
  const options = { name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (format === 'pretty') {
    return pino(
      options,
      pretty({
        sync: true,
        colorize: process.stdout.isTTY,
        ignore: 'pid,hostname',
        translateTime: 'HH:MM:ss.l',
      }),
    );
  }
  return destination === undefined ? pino(options) : pino(options, destination);
}
