import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';
import { isMediaTypePattern, matchesMediaType, normalizeMediaType } from '../messages/mediaType.js';
import type { HandlerContext } from './HandlerContext.js';

/** A handler ready to run: its name for logs, and what it handles. */
export interface BoundHandler {
  readonly name: string;
  /** Normalized media type or pattern. */
  readonly mediaType: string;
  invoke(message: object, context: HandlerContext): Promise<void> | void;
}

/**
 * Media type → handler, fixed at start. Lookup order: the exact media type, then the longest
 * matching pattern. Two handlers for one media type (or one pattern) are refused at start.
 */
export class HandlerRegistry {
  readonly #exact = new Map<string, BoundHandler>();
  readonly #patterns: BoundHandler[] = [];
  readonly #cache = new Map<string, BoundHandler | undefined>();

  constructor(handlers: Iterable<BoundHandler>) {
    const seen = new Map<string, BoundHandler>();
    for (const handler of handlers) {
      const existing = seen.get(handler.mediaType);
      if (existing !== undefined) {
        throw new SwitchyardError(
          ErrorCodes.HANDLER_CONFLICT,
          `media type "${handler.mediaType}" has two handlers: ${existing.name} and ${handler.name}; remove one from the daemon`,
        );
      }
      seen.set(handler.mediaType, handler);
      if (isMediaTypePattern(handler.mediaType)) this.#patterns.push(handler);
      else this.#exact.set(handler.mediaType, handler);
    }
    this.#patterns.sort((a, b) => b.mediaType.length - a.mediaType.length);
  }

  find(mediaType: string): BoundHandler | undefined {
    // Decode hands over normalized media types: most lookups hit the cache without normalizing.
    const cached = this.#cache.get(mediaType);
    if (cached !== undefined) return cached;
    const key = normalizeMediaType(mediaType);
    if (this.#cache.has(key)) return this.#cache.get(key);
    const found =
      this.#exact.get(key) ?? this.#patterns.find((handler) => matchesMediaType(handler.mediaType, key));
    // The cache is bounded so a flood of distinct unknown media types cannot grow memory.
    if (this.#cache.size < 10_000) this.#cache.set(key, found);
    return found;
  }

  /** Every handler, for the start-up log ("Handling: <media type> with <handler>"). */
  get all(): BoundHandler[] {
    return [...this.#exact.values(), ...this.#patterns];
  }
}
