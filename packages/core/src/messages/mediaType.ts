/**
 * Media types name message kinds, e.g. `application/vnd.acme.order.created`. A handler may use a
 * pattern whose last part is `*` (`application/vnd.acme.*`), matching any media type that begins
 * with the part before the star. Matching ignores case and parameters (`; v=1`).
 */
export function normalizeMediaType(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim().toLowerCase();
}

export function isMediaTypePattern(pattern: string): boolean {
  return normalizeMediaType(pattern).endsWith('*');
}

export function matchesMediaType(pattern: string, mediaType: string): boolean {
  const normalizedPattern = normalizeMediaType(pattern);
  const normalizedType = normalizeMediaType(mediaType);
  if (!isMediaTypePattern(normalizedPattern)) return normalizedPattern === normalizedType;
  return normalizedType.startsWith(normalizedPattern.slice(0, -1));
}

const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/(?:[a-z0-9!#$&^_.+-]+\*?|\*)$/i;
const CONCRETE_MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/** A valid media type is `type/subtype` of token characters; a pattern may end in one `*`. */
export function isValidMediaType(mediaType: string): boolean {
  return MEDIA_TYPE.test(normalizeMediaType(mediaType));
}

/** For a media type already normalized: a valid one that is not a pattern. */
export function isConcreteNormalizedMediaType(normalized: string): boolean {
  return CONCRETE_MEDIA_TYPE.test(normalized);
}
