import { DaemonConfig } from '../config/DaemonConfig.js';
import type { LoadedConfig } from '../config/loadConfig.js';
import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';
import type { TransportFactory } from '../transport/TransportFactory.js';

/**
 * The transport the daemon consumes from: the one `daemon.transport` names, else the first listed
 * one the config selects (the embedded bus is listed last and always selects itself).
 */
export function selectTransport(
  transports: readonly TransportFactory[],
  config: LoadedConfig,
): TransportFactory {
  const wanted = config.get(DaemonConfig).transport;
  if (wanted === '') return transports.find((candidate) => candidate.isSelected(config))!;
  const named = transports.find((candidate) => candidate.name === wanted);
  if (named === undefined) {
    const known = transports.map((candidate) => candidate.name).join(', ');
    throw new SwitchyardError(
      ErrorCodes.CONFIG_INVALID,
      `daemon.transport: "${wanted}" is not a transport of this daemon; use one of ${known} ` +
        `(--transport, or --set daemon.transport=…)`,
    );
  }
  return named;
}
