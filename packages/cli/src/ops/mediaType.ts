import { MEDIA_TYPE_ATTRIBUTES, parseUntrustedJson } from '@switchyard/core';

/** `content-type` values that say how a body is encoded, not which message it is (as core's decode step). */
const GENERIC_CONTENT_TYPES = new Set([
  'application/json',
  'text/json',
  'text/plain',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
]);

// A body is only parsed to find its `mediaType` field when it is small and plain enough.
const BODY_LIMITS = { maxBytes: 1024 * 1024, maxDepth: 64, maxKeys: 4000 };

/**
 * The message's media type as the daemon would see it: the `media_type`, `mediaType` or a
 * non-generic `content-type` attribute, else the body's `mediaType` field; `undefined` when none.
 */
export function mediaTypeOf(
  attributes: Readonly<Record<string, string>>,
  body: string | Uint8Array | null,
): string | undefined {
  for (const name of MEDIA_TYPE_ATTRIBUTES) {
    const value = attributes[name]?.trim();
    if (value === undefined || value === '') continue;
    if (name === 'content-type' && GENERIC_CONTENT_TYPES.has(value.split(';')[0]!.trim().toLowerCase()))
      continue;
    return value;
  }
  if (body === null) return undefined;
  try {
    const parsed = parseUntrustedJson(body, BODY_LIMITS);
    const field = (parsed as { mediaType?: unknown } | null)?.mediaType;
    return typeof field === 'string' && field !== '' ? field : undefined;
  } catch {
    return undefined; // not JSON, too large or too deep: no media type to show
  }
}
