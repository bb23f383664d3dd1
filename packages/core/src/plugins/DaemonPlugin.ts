import type { ContainerModule } from 'inversify';
import type { ConfigClass } from '../config/configSection.js';
import type { LoadedConfig } from '../config/loadConfig.js';

/** A command-line flag that sets one config key (`--queue-url` → `sqs.queueUrl`). */
export interface CliFlag {
  /** Commander syntax: `--queue-url <url>`, or `--from-beginning` for a boolean. */
  readonly flags: string;
  readonly description: string;
  /** `section.key` */
  readonly configKey: string;
  /** Other spellings, e.g. `--sqs-queue-url <url>`. */
  readonly aliases?: readonly string[];
  /** May be given several times (`--topic a --topic b`); the values reach the key comma-separated. */
  readonly repeatable?: boolean;
}

/**
 * How a package adds to every daemon that lists it (Sentry, health and metrics, transports): its
 * config sections, its command-line flags, and a module of bindings. The module may bind
 * middleware (`TOKENS.Middleware`) and lifecycle hooks (`TOKENS.LifecycleHook`).
 */
export interface DaemonPlugin {
  readonly name: string;
  readonly configSections: readonly ConfigClass[];
  readonly flags: readonly CliFlag[];
  module(config: LoadedConfig): ContainerModule;
}
