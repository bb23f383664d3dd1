import {
  ContainerModule,
  DaemonStatus,
  OutcomeCounter,
  TOKENS,
  type DaemonPlugin,
  type Transport,
} from '@switchyard/core';
import { HealthConfig } from './health/HealthConfig.js';
import { HealthServer } from './health/HealthServer.js';
import { DaemonMetrics } from './metrics/DaemonMetrics.js';
import { MetricsMiddleware } from './metrics/MetricsMiddleware.js';

/**
 * Health probes and Prometheus metrics: `plugins = [healthPlugin]`, then run with
 * `--healthcheck-port 8080`. Metrics are collected even without the server (read `DaemonMetrics`).
 */
export const healthPlugin: DaemonPlugin = {
  name: 'health',
  configSections: [HealthConfig],
  flags: [
    {
      flags: '--healthcheck-port <port>',
      description: 'serve /health/live, /health/ready and /metrics',
      configKey: 'health.port',
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
    }),
};
