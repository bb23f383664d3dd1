import { instanceToPlain, plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';
import type { SchemaClass } from './schema.js';
import type { SchemaRegistry } from './SchemaRegistry.js';

/** What travels on the wire: camelCase JSON with the media type, the fields and the opaque data. */
export interface WireMessage {
  mediaType: string;
  opaqueData?: Record<string, string>;
  [field: string]: unknown;
}

const VALIDATION = { whitelist: true, forbidUnknownValues: true } as const;

/** Validates messages against their schema class on the way in and on the way out. */
export class MessageCodec {
  constructor(readonly schemas: SchemaRegistry) {}

  /** Fields → validated instance of the media type's schema, or the plain fields when it has none. */
  async decode(mediaType: string, fields: Record<string, unknown>): Promise<object> {
    const schemaClass = this.schemas.find(mediaType);
    if (schemaClass === undefined) return { ...fields };
    return this.#validated(schemaClass, fields, 'decode');
  }

  /** Content → wire JSON text, after validation; fields the schema does not declare are dropped. */
  async encode(mediaType: string, content: object, opaqueData?: Record<string, string>): Promise<string> {
    const schemaClass = this.schemas.find(mediaType);
    if (schemaClass === undefined) {
      throw new SwitchyardError(
        ErrorCodes.MEDIA_TYPE_UNKNOWN,
        `cannot encode "${mediaType}": no @schema class declares it (add it to the daemon's schemas)`,
      );
    }
    const plain = content instanceof schemaClass ? instanceToPlain(content) : { ...content };
    const instance = await this.#validated(schemaClass, plain, 'encode');
    const wire: WireMessage = { mediaType, ...instanceToPlain(instance) };
    if (opaqueData !== undefined && Object.keys(opaqueData).length > 0) wire.opaqueData = opaqueData;
    return JSON.stringify(wire);
  }

  async #validated(schemaClass: SchemaClass, fields: object, direction: string): Promise<object> {
    const instance = plainToInstance(schemaClass, fields);
    const errors = await validate(instance, VALIDATION);
    if (errors.length > 0) {
      throw new SwitchyardError(
        ErrorCodes.MESSAGE_INVALID,
        `${direction}: ${schemaClass.name} is invalid: ${describeValidationErrors(errors)}`,
      );
    }
    return instance;
  }
}

/** One line naming each failed field and rule, nested fields with dotted paths. */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string {
  const parts: string[] = [];
  for (const error of errors) {
    const path = `${prefix}${error.property}`;
    for (const message of Object.values(error.constraints ?? {})) parts.push(`${path}: ${message}`);
    if (error.children !== undefined && error.children.length > 0) {
      parts.push(describeValidationErrors(error.children, `${path}.`));
    }
  }
  return parts.join('; ');
}
