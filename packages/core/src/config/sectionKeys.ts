import { getMetadataStorage } from 'class-validator';
import type { ConfigClass } from './configSection.js';

/**
 * The type a key's text is coerced to: the type of its default when it has one (metadata is not
 * emitted for fields without a type annotation), else its `design:type`.
 */
export function typeOfKey(
  sectionClass: ConfigClass,
  instance: Record<string, unknown>,
  key: string,
): unknown {
  const fallback = instance[key];
  if (Array.isArray(fallback)) return Array;
  if (typeof fallback === 'number') return Number;
  if (typeof fallback === 'boolean') return Boolean;
  if (typeof fallback === 'string') return String;
  return Reflect.getMetadata('design:type', sectionClass.prototype as object, key);
}

/** Every key of a section: the fields with a default and the fields with a validation rule. */
export function declaredKeys(sectionClass: ConfigClass, instance: object): Set<string> {
  const validated = getMetadataStorage()
    .getTargetValidationMetadatas(sectionClass, '', true, false)
    .map((metadata) => metadata.propertyName);
  return new Set([...Object.keys(instance), ...validated]);
}
