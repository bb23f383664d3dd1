import { ContainerModule } from 'inversify';
import type { LoadedConfig } from '../config/loadConfig.js';
import { TOKENS } from '../graph/tokens.js';
import type { TransportFactory } from '../transport/TransportFactory.js';
import { MemoryBroker } from './MemoryBroker.js';
import { MemoryConfig } from './MemoryConfig.js';
import { MemoryProducer } from './MemoryProducer.js';
import { MemoryTransport } from './MemoryTransport.js';

/** The embedded default: used when no other transport is selected. `MemoryBroker` may be rebound (tests). */
export const memoryTransportFactory: TransportFactory = {
  name: 'memory',
  configSections: [MemoryConfig],
  flags: [],
  isSelected: () => true,
  module: (config: LoadedConfig) =>
    new ContainerModule(({ bind }) => {
      const settings = config.get(MemoryConfig);
      bind(MemoryBroker).toDynamicValue(
        () => new MemoryBroker({ visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds }),
      );
      const queueName = (daemonName: string): string => settings.queue || daemonName;
      bind(TOKENS.Transport).toDynamicValue(
        (context) =>
          new MemoryTransport(
            context.get(MemoryBroker),
            queueName(context.get<string>(TOKENS.DaemonName)),
            settings.waitMs,
          ),
      );
      bind(TOKENS.TransportProducer).toDynamicValue(
        (context) =>
          new MemoryProducer(context.get(MemoryBroker), queueName(context.get<string>(TOKENS.DaemonName))),
      );
    }),
};
