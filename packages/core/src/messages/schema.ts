import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';
import { isMediaTypePattern, isValidMediaType, normalizeMediaType } from './mediaType.js';

const SCHEMA_KEY = Symbol.for('switchyard.schema.mediaType');

/** A message class: plain fields decorated with class-validator rules. */
export type SchemaClass<T extends object = object> = new () => T;

/**
 * Declares the media type of a message class. The class's fields carry class-validator decorators;
 * fields without one are dropped on decode and encode.
 *
 * @example
 *   @schema('application/vnd.acme.simple')
 *   class SimpleMessage { @IsString() message!: string }
 */
export function schema(mediaType: string): ClassDecorator {
  if (!isValidMediaType(mediaType) || isMediaTypePattern(mediaType)) {
    throw new SwitchyardError(
      ErrorCodes.DECORATOR_MISUSE,
      `@schema("${mediaType}"): a schema needs one concrete media type such as "application/vnd.acme.thing"`,
    );
  }
  return (target) => {
    Reflect.defineMetadata(SCHEMA_KEY, normalizeMediaType(mediaType), target);
  };
}

export function schemaMediaType(target: unknown): string | undefined {
  if (typeof target !== 'function') return undefined;
  return Reflect.getOwnMetadata(SCHEMA_KEY, target) as string | undefined;
}

export function requireSchemaMediaType(target: SchemaClass): string {
  const mediaType = schemaMediaType(target);
  if (mediaType === undefined) {
    throw new SwitchyardError(
      ErrorCodes.DECORATOR_MISUSE,
      `${target.name} is used as a message schema but has no @schema("<media type>") decorator`,
    );
  }
  return mediaType;
}
