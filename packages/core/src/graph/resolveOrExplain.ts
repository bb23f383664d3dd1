import type { Container, ServiceIdentifier } from 'inversify';
import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';

export function describeIdentifier(identifier: ServiceIdentifier): string {
  if (typeof identifier === 'function') return identifier.name;
  return String(identifier);
}

// Inversify's wording for an unbound dependency: what is missing, and the service that needs it.
const NOT_BOUND = /No bindings found for service: "([^"]+)"\.\s+Trying to resolve bindings for "([^"]+)"/;

// Inversify brands its own errors (InversifyCoreError, not exported by `inversify`) with this symbol.
const INVERSIFY_ERROR = Symbol.for('@inversifyjs/core/InversifyCoreError');

/** Inversify's planning or resolution error, as opposed to one thrown by a factory or constructor. */
function isInversifyError(error: unknown): error is Error {
  return error instanceof Error && INVERSIFY_ERROR in error;
}

/** "Gateway needs Symbol(payments), which nothing binds — bind it …" from inversify's message. */
function explain(detail: string): string {
  const match = NOT_BOUND.exec(detail);
  if (match === null) return detail.split('\n').join(' ');
  const [, missing, requester] = match;
  return `${requester!.replace(/ \(Root service\)$/, '')} needs ${missing}, which nothing binds — bind it in one of the daemon's modules (or mark the class @injectable())`;
}

/**
 * `container.get` with a start-up error that names the root being built, what is missing and the
 * class that asked for it, however deep in the chain. Inversify's own error is kept as the cause.
 * An error thrown by a factory or constructor while the graph is built (a config check such as a
 * bad Kafka group id) already names its problem and fix: it is thrown as it is.
 */
export function resolveOrExplain<T>(
  container: Container,
  identifier: ServiceIdentifier<T>,
  requester: string,
): T {
  try {
    return container.get(identifier);
  } catch (error) {
    if (!isInversifyError(error)) throw error;
    throw new SwitchyardError(
      ErrorCodes.GRAPH_RESOLUTION,
      `cannot build ${describeIdentifier(identifier)} for ${requester}: ${explain(error.message)}`,
      { cause: error },
    );
  }
}
