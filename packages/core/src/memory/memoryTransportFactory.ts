import { ContainerModule, type ContainerModuleLoadOptions } from 'inversify';
import type { LoadedConfig } from '../config/loadConfig.js';
import { TOKENS } from '../graph/tokens.js';
import { transportProducerToken, type TransportFactory } from '../transport/TransportFactory.js';
import { DEAD_LETTER_STORE } from '../transport/DeadLetterStore.js';
import { MemoryBroker } from './MemoryBroker.js';
import { MemoryDeadLetters } from './MemoryDeadLetters.js';
import { MemoryConfig } from './MemoryConfig.js';
import { MemoryProducer } from './MemoryProducer.js';
import { MemoryTransport } from './MemoryTransport.js';

/** The embedded default: used when no other transport is selected. `MemoryBroker` may be rebound (tests). */
export const memoryTransportFactory: TransportFactory = {
  name: 'memory',
  configSections: [MemoryConfig],
  flags: [],
  isSelected: () => true,
  // Always available: a daemon on Kafka or SQS can forward to a stop on the process's embedded bus.
  producerModule: (config: LoadedConfig) =>
    new ContainerModule((options) => {
      bindProducer(options, config.get(MemoryConfig));
      options.bind(transportProducerToken('memory')).toService(MemoryProducer);
    }),
  module: (config: LoadedConfig) =>
    new ContainerModule((options) => {
      const settings = config.get(MemoryConfig);
      bindProducer(options, settings);
      options.bind(TOKENS.TransportProducer).toService(MemoryProducer);
      options
        .bind(DEAD_LETTER_STORE)
        .toDynamicValue(
          (context) =>
            new MemoryDeadLetters(
              context.get(MemoryBroker),
              queueName(settings, context.get<string>(TOKENS.DaemonName)),
            ),
        );
      options
        .bind(TOKENS.Transport)
        .toDynamicValue(
          (context) =>
            new MemoryTransport(
              context.get(MemoryBroker),
              queueName(settings, context.get<string>(TOKENS.DaemonName)),
              settings.waitMs,
            ),
        );
    }),
};

const queueName = (settings: MemoryConfig, daemonName: string): string => settings.queue || daemonName;

/** The process's broker and the producer on it. */
function bindProducer({ bind }: ContainerModuleLoadOptions, settings: MemoryConfig): void {
  bind(MemoryBroker).toDynamicValue(
    () => new MemoryBroker({ visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds }),
  );
  bind(MemoryProducer).toDynamicValue(
    (context) =>
      new MemoryProducer(
        context.get(MemoryBroker),
        queueName(settings, context.get<string>(TOKENS.DaemonName)),
      ),
  );
}
