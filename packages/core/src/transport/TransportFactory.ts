import type { ContainerModule } from 'inversify';
import type { LoadedConfig } from '../config/loadConfig.js';
import type { DaemonPlugin } from '../plugins/DaemonPlugin.js';

/**
 * How a transport package plugs into the daemon: a plugin (config, flags, module) that the loaded
 * config may select; its module binds `TOKENS.Transport` and `TOKENS.TransportProducer`.
 */
export interface TransportFactory extends DaemonPlugin {
  isSelected(config: LoadedConfig): boolean;
  /**
   * For a daemon that consumes from another transport but also publishes here (a route that
   * crosses buses, `kafka:topic`): a module binding only this transport's producer, under
   * `transportProducerToken(name)`. Undefined when the config names no server to publish to.
   */
  producerModule?(config: LoadedConfig): ContainerModule | undefined;
}

/** Where a transport's producer is bound, for destinations qualified with its name (`sqs:queue`). */
export function transportProducerToken(transportName: string): symbol {
  return Symbol.for(`switchyard.TransportProducer.${transportName}`);
}
