import {
  ConsumerConfig,
  ContainerModule,
  TOKENS,
  type LoadedConfig,
  type OutgoingMessage,
  type TransportFactory,
} from '@switchyard/core';
import type { HttpSource } from './HttpSource.js';

/** Selected only by name (`daemon.transport=http`, which the processor sets for `source.kind: http`). */
export function httpSourceFactory(source: HttpSource): TransportFactory {
  return {
    name: 'http',
    configSections: [],
    flags: [],
    isSelected: () => false,
    module: (config: LoadedConfig) =>
      new ContainerModule(({ bind }) => {
        // A body above the daemon's limit is refused with 413 as it arrives, not read and dead-lettered.
        source.maxBodyBytes = config.get(ConsumerConfig).maxBodyBytes;
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
