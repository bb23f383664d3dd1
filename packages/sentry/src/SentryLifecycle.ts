import * as Sentry from '@sentry/node';
import { DaemonConfig, inject, injectable, TOKENS, type LifecycleHook } from '@switchyard/core';
import { integrationsWithoutDedupe } from './integrations.js';
import type { SentryBeforeSend } from './scrub/strictBeforeSend.js';
import { SentryConfig } from './SentryConfig.js';
import { SentryState } from './SentryState.js';
import { SENTRY_BEFORE_SEND, SENTRY_OPTIONS } from './tokens.js';

/** The part of the daemon's pino logger this hook uses. */
interface HookLogger {
  info(details: object | string, message?: string): void;
  warn(details: object, message: string): void;
}

/** Initialises the SDK when the daemon starts (unless disabled or `--testing`); flushes it on stop. */
@injectable()
export class SentryLifecycle implements LifecycleHook {
  readonly name = 'sentry';
  #client: Sentry.NodeClient | undefined;

  constructor(
    private readonly config: SentryConfig,
    private readonly daemon: DaemonConfig,
    private readonly state: SentryState,
    @inject(SENTRY_BEFORE_SEND) private readonly beforeSend: SentryBeforeSend,
    @inject(SENTRY_OPTIONS) private readonly options: Sentry.NodeOptions,
    @inject(TOKENS.DaemonName) private readonly daemonName: string,
    @inject(TOKENS.Logger) private readonly logger: HookLogger,
  ) {}

  start(): void {
    if (!this.config.enabled) return;
    if (this.daemon.testing) {
      this.logger.info('sentry: testing mode, nothing is reported');
      return;
    }
    const { dsn, environment, release, sampleRate, includeLocalVariables } = this.config;
    this.#client = Sentry.init({
      ...this.options,
      dsn,
      environment: environment === '' ? undefined : environment,
      release: release === '' ? undefined : release,
      sampleRate,
      includeLocalVariables,
      beforeSend: this.beforeSend,
      integrations: integrationsWithoutDedupe(this.options.integrations),
      initialScope: { tags: { daemon: this.daemonName } },
    });
    this.state.reporting = this.#client !== undefined;
    this.logger.info({ environment, release, sampleRate }, 'sentry: reporting');
  }

  async stop(): Promise<void> {
    this.state.reporting = false;
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined && !(await client.close(this.config.closeTimeoutMs))) {
      this.logger.warn(
        { closeTimeoutMs: this.config.closeTimeoutMs },
        'sentry: some events were not sent in time',
      );
    }
  }
}
