import { configSection, secret } from '@switchyard/core';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

/** `https://<public key>@<host>/<project id>`, as Sentry shows it (http for a local ingest). */
const DSN = /^https?:\/\/[^\s/@]+@[^\s/]+\/(?:[^\s]*\/)?\d+\/?$/;

/** Error reporting to Sentry. Env: `<DAEMON>__SENTRY__<KEY>`; off unless `enabled` is true. */
@configSection('sentry')
export class SentryConfig {
  /** Report to Sentry. Even when true, `--testing` reports nothing. */
  @IsBoolean() enabled = false;

  /** Where to report; required when `enabled`. Never logged. */
  @ValidateIf((config: SentryConfig) => config.enabled)
  @IsNotEmpty({ message: 'sentry.dsn is required when sentry.enabled is true' })
  @Matches(DSN, { message: 'sentry.dsn must look like https://<key>@<host>/<project id>' })
  @secret()
  dsn = '';

  /** Sentry's environment (`production`, `staging`); empty: the SDK's default. */
  @IsString() environment = '';

  /** The release (a version or commit); empty: the SDK's default (`SENTRY_RELEASE`). */
  @IsString() release = '';

  /** Share of error events sent, 0 to 1. */
  @IsNumber() @Min(0) @Max(1) sampleRate = 1;

  /** Also report `retried` outcomes (`Nack`), not only `failed` and `dead-lettered`. */
  @IsBoolean() reportRetries = false;

  /**
   * Opaque-data key → tag name, e.g. `{"x-tenant": "tenant"}` (JSON in env and flags). The keys
   * must be in `consumer.opaqueDataKeys`, or they never reach the daemon.
   */
  @IsObject() customTagsMapping: Record<string, string> = {};

  /** The opaque-data key whose value becomes the event's `user.id` (empty: none). */
  @IsString() customUserId = '';

  /** Capture local variables of stack frames (the default `beforeSend` redacts all but ids). */
  @IsBoolean() includeLocalVariables = false;

  /** On stop, wait this long for unsent events. */
  @IsInt() @Min(0) closeTimeoutMs = 2000;
}
