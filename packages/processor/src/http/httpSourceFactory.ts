import { ContainerModule, TOKENS, type OutgoingMessage, type TransportFactory } from '@switchyard/core';
import type { HttpSource } from './HttpSource.js';

/** Selected only by name (`daemon.transport=http`, which the processor sets for `source.kind: http`). */
export function httpSourceFactory(source: HttpSource): TransportFactory {
  return {
    name: 'http',
    configSections: [],
    flags: [],
    isSelected: () => false,
    module: () =>
      new ContainerModule(({ bind }) => {
        bind(TOKENS.Transport).toConstantValue(source);
        // The daemon's own producer (handlers' context.producer) has nowhere to go on HTTP; the
        // processor publishes through its sink.
        bind(TOKENS.TransportProducer).toConstantValue({
          send: (message: OutgoingMessage) =>
            Promise.reject(
              new Error(`cannot publish ${message.mediaType}: the HTTP source has no producer; use the sink`),
            ),
          close: async () => undefined,
        });
      }),
  };
}
