import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';
import { normalizeMediaType } from './mediaType.js';
import { requireSchemaMediaType, type SchemaClass } from './schema.js';

/** Media type → message class, fixed at start. Two classes for one media type is a start-up error. */
export class SchemaRegistry {
  readonly #byMediaType = new Map<string, SchemaClass>();

  constructor(schemas: Iterable<SchemaClass>) {
    for (const schemaClass of schemas) this.#add(schemaClass);
  }

  #add(schemaClass: SchemaClass): void {
    const mediaType = requireSchemaMediaType(schemaClass);
    const existing = this.#byMediaType.get(mediaType);
    if (existing !== undefined && existing !== schemaClass) {
      throw new SwitchyardError(
        ErrorCodes.SCHEMA_CONFLICT,
        `media type "${mediaType}" is declared by both ${existing.name} and ${schemaClass.name}; give one of them another @schema`,
      );
    }
    this.#byMediaType.set(mediaType, schemaClass);
  }

  find(mediaType: string): SchemaClass | undefined {
    // Decode hands over normalized media types; normalize only on a miss.
    return this.#byMediaType.get(mediaType) ?? this.#byMediaType.get(normalizeMediaType(mediaType));
  }

  get mediaTypes(): string[] {
    return [...this.#byMediaType.keys()];
  }
}
