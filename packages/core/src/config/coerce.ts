/**
 * Turns a string from the environment or the command line into the declared type of a config
 * field (`design:type` metadata). Returns `undefined` when the text cannot be that type, so the
 * caller can report the key; validation rules run afterwards.
 */
export function coerce(text: string, declaredType: unknown): unknown {
  const trimmed = text.trim();
  switch (declaredType) {
    case Number:
      return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : undefined;
    case Boolean:
      return parseBoolean(trimmed);
    case Array:
      return trimmed === '' ? [] : trimmed.split(',').map((item) => item.trim());
    case Object:
      return parseJsonObject(trimmed);
    default:
      return text;
  }
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off', '']);

function parseBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return undefined;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function describeType(declaredType: unknown): string {
  switch (declaredType) {
    case Number:
      return 'a number';
    case Boolean:
      return 'true or false';
    case Array:
      return 'a comma-separated list';
    case Object:
      return 'a JSON object';
    default:
      return 'a string';
  }
}
