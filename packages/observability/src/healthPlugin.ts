import {
  ConsumerConfig,
  ContainerModule,
  DaemonStatus,
  DEAD_LETTER_STORE,
  ErrorCodes,
  OutcomeCounter,
  SwitchyardError,
  TOKENS,
  type DaemonPlugin,
  type DeadLetterStore,
  type Transport,
} from '@switchyard/core';
import type { Logger } from 'pino';
import { ConsoleConfig } from './console/ConsoleConfig.js';
import { consoleRoutes } from './console/ConsoleRoutes.js';
import { OutcomeHistory } from './console/OutcomeHistory.js';
import { HealthConfig } from './health/HealthConfig.js';
import { HealthServer, HTTP_ROUTES } from './health/HealthServer.js';
import { DaemonMetrics } from './metrics/DaemonMetrics.js';
import { MetricsMiddleware } from './metrics/MetricsMiddleware.js';

/**
 * Health probes and Prometheus metrics: `plugins = [healthPlugin]`, then run with
 * `--healthcheck-port 8080`. Metrics are collected even without the server (read `DaemonMetrics`).
 * `--console` adds the operator console at `/console` on the same port.
 */
export const healthPlugin: DaemonPlugin = {
  name: 'health',
  configSections: [HealthConfig, ConsoleConfig],
  flags: [
    {
      flags: '--healthcheck-port <port>',
      description: 'serve /health/live, /health/ready and /metrics',
      configKey: 'health.port',
    },
    {
      flags: '--console',
      description: 'serve the operator console at /console on the health port (loopback only by default)',
      configKey: 'console.enabled',
    },
  ],
  module: (config) =>
    new ContainerModule(({ bind }) => {
      bind(DaemonMetrics).toDynamicValue(
        (context) =>
          new DaemonMetrics(
            context.get(DaemonStatus),
            context.get(OutcomeCounter),
            context.get<Transport>(TOKENS.Transport),
          ),
      );
      bind(TOKENS.Middleware).to(MetricsMiddleware);
      const settings = config.get(HealthConfig);
      if (settings.port > 0) bind(TOKENS.LifecycleHook).toConstantValue(new HealthServer(settings));
      const consoleSettings = config.get(ConsoleConfig);
      if (!consoleSettings.enabled) return;
      if (settings.port === 0) {
        throw new SwitchyardError(
          ErrorCodes.CONFIG_INVALID,
          'console.enabled: the console is served on the health port, which is off; set health.port too (--healthcheck-port 8080)',
        );
      }
      bind(HTTP_ROUTES).toDynamicValue((context) => {
        const counter = context.get(OutcomeCounter);
        const history = new OutcomeHistory(consoleSettings.historySeconds);
        counter.onRecord((recorded) => history.record(recorded));
        return consoleRoutes({
          daemonName: context.get<string>(TOKENS.DaemonName),
          config: consoleSettings,
          consumer: context.get(ConsumerConfig),
          status: context.get(DaemonStatus),
          counter,
          history,
          transport: context.get<Transport>(TOKENS.Transport),
          deadLetters: context.get<DeadLetterStore>(DEAD_LETTER_STORE, { optional: true }),
          logger: context.get<Logger>(TOKENS.Logger),
        });
      });
    }),
};
