import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';
import { isValidMediaType, normalizeMediaType } from '../messages/mediaType.js';
import { requireSchemaMediaType, type SchemaClass } from '../messages/schema.js';

const HANDLES_KEY = Symbol.for('switchyard.handles');

/** What a handler handles: a schema class, or a media type string such as `application/vnd.acme.*`. */
export type HandledType = SchemaClass | string;

export interface HandlesMetadata {
  /** Normalized media types and patterns. */
  mediaTypes: string[];
  /** Schema classes named directly, so the daemon knows them without a separate list. */
  schemas: SchemaClass[];
}

/**
 * Marks a class (with a `handle(message, context)` method) or a plain function as the handler of
 * the given schemas or media-type patterns.
 *
 * @example
 *   @handles(SimpleMessage) @injectable() class SimpleHandler { handle(message, context) {} }
 *   const audit = handles('application/vnd.acme.*')(async (message, context) => {});
 */
export function handles(...types: HandledType[]): <T extends object>(target: T) => T {
  if (types.length === 0) {
    throw new SwitchyardError(
      ErrorCodes.DECORATOR_MISUSE,
      '@handles() needs at least one schema or media type',
    );
  }
  const metadata: HandlesMetadata = { mediaTypes: [], schemas: [] };
  for (const type of types) {
    if (typeof type === 'string') {
      if (!isValidMediaType(type)) {
        throw new SwitchyardError(ErrorCodes.DECORATOR_MISUSE, `@handles("${type}"): not a media type`);
      }
      metadata.mediaTypes.push(normalizeMediaType(type));
    } else {
      metadata.mediaTypes.push(requireSchemaMediaType(type));
      metadata.schemas.push(type);
    }
  }
  return (target) => {
    if (typeof target !== 'function') {
      throw new SwitchyardError(ErrorCodes.DECORATOR_MISUSE, '@handles applies to a class or a function');
    }
    Reflect.defineMetadata(HANDLES_KEY, metadata, target);
    return target;
  };
}

export function handlesMetadata(target: unknown): HandlesMetadata | undefined {
  if (typeof target !== 'function') return undefined;
  return Reflect.getOwnMetadata(HANDLES_KEY, target) as HandlesMetadata | undefined;
}
