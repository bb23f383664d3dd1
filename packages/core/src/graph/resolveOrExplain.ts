import type { Container, ServiceIdentifier } from 'inversify';
import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';

export function describeIdentifier(identifier: ServiceIdentifier): string {
  if (typeof identifier === 'function') return identifier.name;
  return String(identifier);
}

// Inversify's wording for an unbound dependency: what is missing, and the service that needs it.
const NOT_BOUND = /No bindings found for service: "([^"]+)"\.\s+Trying to resolve bindings for "([^"]+)"/;

/** "Gateway needs Symbol(payments), which nothing binds" from inversify's message, else the message. */
function explain(detail: string): string {
  const match = NOT_BOUND.exec(detail);
  if (match === null) return detail.split('\n').join(' ');
  const [, missing, requester] = match;
  return `${requester!.replace(/ \(Root service\)$/, '')} needs ${missing}, which nothing binds`;
}

/**
 * `container.get` with a start-up error that names the root being built, what is missing and the
 * class that asked for it, however deep in the chain. Inversify's own error is kept as the cause.
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
      `cannot build ${describeIdentifier(identifier)} for ${requester}: ${explain(detail)} — bind it in one of the daemon's modules (or mark the class @injectable())`,
      { cause: error },
    );
  }
}
