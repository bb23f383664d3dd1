import type { Container, ServiceIdentifier } from 'inversify';
import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';

export function describeIdentifier(identifier: ServiceIdentifier): string {
  if (typeof identifier === 'function') return identifier.name;
  return String(identifier);
}

/**
 * `container.get` with a start-up error that names what was missing and who asked for it.
 * Inversify's own message (kept as the cause and appended) shows the full resolution path.
 */
export function resolveOrExplain<T>(
  container: Container,
  identifier: ServiceIdentifier<T>,
  requester: string,
): T {
  try {
    return container.get(identifier);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SwitchyardError(
      ErrorCodes.GRAPH_RESOLUTION,
      `cannot build ${describeIdentifier(identifier)} for ${requester}: ${detail.split('\n').join(' ')} — bind it in one of the daemon's modules (or mark the class @injectable())`,
      { cause: error },
    );
  }
}
