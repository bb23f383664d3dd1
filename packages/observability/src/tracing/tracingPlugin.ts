import { ContainerModule, TOKENS, type DaemonPlugin } from '@switchyard/core';
import { TraceContextAttributes } from './TraceContextAttributes.js';
import { TracingMiddleware } from './TracingMiddleware.js';

/**
 * OpenTelemetry trace context across messages: `plugins = [tracingPlugin]`. Register an SDK
 * (tracer provider, W3C propagator, context manager) in your process as usual; without one the
 * plugin does nothing.
 */
export const tracingPlugin: DaemonPlugin = {
  name: 'tracing',
  configSections: [],
  flags: [],
  module: () =>
    new ContainerModule(({ bind }) => {
      bind(TOKENS.Middleware).to(TracingMiddleware);
      bind(TOKENS.OutgoingAttributes).toConstantValue(new TraceContextAttributes());
    }),
};
