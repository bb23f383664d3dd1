import { instanceToPlain, plainToInstance } from 'class-transformer';
import { validate, validateSync, type ValidationError } from 'class-validator';
import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';
import { compileSchema, type CompiledSchema } from './compiled/compileSchema.js';
import type { SchemaClass } from './schema.js';
import type { SchemaRegistry } from './SchemaRegistry.js';

/** What travels on the wire: camelCase JSON with the media type, the fields and the opaque data. */
export interface WireMessage {
  mediaType: string;
  opaqueData?: Record<string, string>;
  [field: string]: unknown;
}

/** Whether a schema runs on the compiled path, and if not, why (for the start-up log). */
export interface SchemaCompilation {
  schema: string;
  mediaType: string;
  compiled: boolean;
  reason?: string;
}

const VALIDATION = { whitelist: true, forbidUnknownValues: true } as const;

/**
 * Validates messages against their schema class on the way in and on the way out.
 *
 * Each schema is compiled at construction (see compiled/compileSchema.ts): a compiled schema
 * decodes and encodes synchronously with class-validator's verdict and plainToInstance's instance.
 * When the compiled check rejects (or meets a value it leaves to the libraries), class-transformer
 * and class-validator run as before, so the messages of an invalid message are theirs. A schema the
 * compiler cannot express runs on the libraries (asynchronous `validate`) as before;
 * `compilation` says which schemas are compiled and why the others are not.
 *
 * decode and encode return a plain value on success in the compiled path and when there is no
 * schema, and a Promise otherwise: an invalid message is always a rejected Promise (never a
 * synchronous throw), so `const r = codec.decode(…); const m = r instanceof Promise ? await r : r;`
 * and `await codec.decode(…)` both work.
 */
export class MessageCodec {
  readonly compilation: ReadonlyArray<Readonly<SchemaCompilation>>;
  readonly #compiled = new Map<SchemaClass, CompiledSchema>();

  constructor(readonly schemas: SchemaRegistry) {
    const compilation: SchemaCompilation[] = [];
    for (const mediaType of schemas.mediaTypes) {
      const schemaClass = schemas.find(mediaType)!;
      const result = compileSchema(schemaClass);
      if ('compiled' in result) {
        this.#compiled.set(schemaClass, result.compiled);
        compilation.push({ schema: schemaClass.name, mediaType, compiled: true });
      } else {
        compilation.push({ schema: schemaClass.name, mediaType, compiled: false, reason: result.reason });
      }
    }
    this.compilation = Object.freeze(compilation.map((entry) => Object.freeze(entry)));
  }

  /** Fields → validated instance of the media type's schema, or the plain fields when it has none. */
  decode(mediaType: string, fields: Record<string, unknown>): object | Promise<object> {
    const schemaClass = this.schemas.find(mediaType);
    if (schemaClass === undefined) return { ...fields };
    const compiled = this.#compiled.get(schemaClass);
    if (compiled === undefined) return this.#validated(schemaClass, fields, 'decode');
    try {
      const instance = compiled.run(fields) ?? this.#validatedSync(schemaClass, fields, 'decode');
      return instance instanceof SwitchyardError ? Promise.reject(instance) : instance;
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * Content → its validated fields as JSON data (what `encode` puts beside the media type), for a
   * message that travels inside another (an RPC call's parameters); undeclared fields are dropped.
   */
  encodeFields(mediaType: string, content: object): object | Promise<object> {
    const schemaClass = this.schemas.find(mediaType);
    const compiled = schemaClass === undefined ? undefined : this.#compiled.get(schemaClass);
    if (schemaClass === undefined || compiled === undefined) return this.#fieldsOfText(mediaType, content);
    try {
      const plain = content instanceof schemaClass ? instanceToPlain(content) : { ...content };
      // A compiled instance holds only JSON data: it serialises as its fields.
      const instance = compiled.run(plain);
      if (instance !== undefined) return instance;
      const validated = this.#validatedSync(schemaClass, plain, 'encode');
      if (validated instanceof SwitchyardError) return Promise.reject(validated);
      return instanceToPlain(validated);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async #fieldsOfText(mediaType: string, content: object): Promise<object> {
    const fields = JSON.parse(await this.encode(mediaType, content)) as Record<string, unknown>;
    delete fields['mediaType'];
    return fields;
  }

  /** Content → wire JSON text, after validation; fields the schema does not declare are dropped. */
  encode(mediaType: string, content: object, opaqueData?: Record<string, string>): string | Promise<string> {
    const schemaClass = this.schemas.find(mediaType);
    if (schemaClass === undefined) {
      return Promise.reject(
        new SwitchyardError(
          ErrorCodes.MEDIA_TYPE_UNKNOWN,
          `cannot encode "${mediaType}": no @schema class declares it (add it to the daemon's schemas)`,
        ),
      );
    }
    const compiled = this.#compiled.get(schemaClass);
    if (compiled === undefined) return this.#encodeValidated(schemaClass, mediaType, content, opaqueData);
    try {
      const plain = content instanceof schemaClass ? instanceToPlain(content) : { ...content };
      const instance = compiled.run(plain);
      // A compiled instance holds only JSON data (no functions, accessors or toJSON): spreading it
      // is what instanceToPlain would give.
      if (instance !== undefined) return wireText(mediaType, instance, opaqueData);
      const validated = this.#validatedSync(schemaClass, plain, 'encode');
      if (validated instanceof SwitchyardError) return Promise.reject(validated);
      return wireText(mediaType, instanceToPlain(validated), opaqueData);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async #encodeValidated(
    schemaClass: SchemaClass,
    mediaType: string,
    content: object,
    opaqueData: Record<string, string> | undefined,
  ): Promise<string> {
    const plain = content instanceof schemaClass ? instanceToPlain(content) : { ...content };
    const instance = await this.#validated(schemaClass, plain, 'encode');
    return wireText(mediaType, instanceToPlain(instance), opaqueData);
  }

  async #validated(schemaClass: SchemaClass, fields: object, direction: string): Promise<object> {
    const instance = plainToInstance(schemaClass, fields);
    const errors = await validate(instance, VALIDATION);
    if (errors.length > 0) throw invalid(schemaClass, direction, errors);
    return instance;
  }

  /** The libraries' own verdict for a compiled schema (only synchronous rules compile). */
  #validatedSync(schemaClass: SchemaClass, fields: object, direction: string): object | SwitchyardError {
    const instance = plainToInstance(schemaClass, fields);
    const errors = validateSync(instance, VALIDATION);
    return errors.length > 0 ? invalid(schemaClass, direction, errors) : instance;
  }
}

function invalid(schemaClass: SchemaClass, direction: string, errors: ValidationError[]): SwitchyardError {
  return new SwitchyardError(
    ErrorCodes.MESSAGE_INVALID,
    `${direction}: ${schemaClass.name} is invalid: ${describeValidationErrors(errors)}`,
  );
}

function wireText(mediaType: string, fields: object, opaqueData: Record<string, string> | undefined): string {
  const wire: WireMessage = { mediaType, ...fields };
  if (opaqueData !== undefined && Object.keys(opaqueData).length > 0) wire.opaqueData = opaqueData;
  return JSON.stringify(wire);
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
