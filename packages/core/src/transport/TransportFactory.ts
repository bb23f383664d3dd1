import type { LoadedConfig } from '../config/loadConfig.js';
import type { DaemonPlugin } from '../plugins/DaemonPlugin.js';

/**
 * How a transport package plugs into the daemon: a plugin (config, flags, module) that the loaded
 * config may select; its module binds `TOKENS.Transport` and `TOKENS.TransportProducer`.
 */
export interface TransportFactory extends DaemonPlugin {
  isSelected(config: LoadedConfig): boolean;
}
