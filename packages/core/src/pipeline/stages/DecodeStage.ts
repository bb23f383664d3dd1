import { ErrorCodes } from '../../errors/codes.js';
import { SwitchyardError } from '../../errors/SwitchyardError.js';
import { boundedText } from '../../messages/boundedText.js';
import { isConcreteNormalizedMediaType, normalizeMediaType } from '../../messages/mediaType.js';
import { parseUntrustedJson, type JsonLimits } from '../../messages/safeJson.js';
import type { Outcome } from '../../outcomes/Outcome.js';
import type { CoreStep } from '../CoreStep.js';
import type { MessageContext } from '../MessageContext.js';

/** Attribute / header names that may carry the media type, in order of preference. */
export const MEDIA_TYPE_ATTRIBUTES = ['media_type', 'mediaType', 'content-type'] as const;

/**
 * `content-type` values that say how the body is encoded, not which message it is: many producers
 * set `application/json` on every record, so these never name (or contradict) a schema.
 */
export const GENERIC_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'text/json',
  'text/plain',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
]);

// A media type quoted in a reason is cut to this: a 500 KB header must not travel into logs.
const QUOTED_MEDIA_TYPE_BYTES = 200;
// Distinct media type spellings remembered normalized; a flood of made-up ones only refills it.
const MEDIA_TYPE_MEMO = 256;

const invalid = (reason: string): SwitchyardError => new SwitchyardError(ErrorCodes.MESSAGE_INVALID, reason);
const TOMBSTONE: Outcome = Object.freeze({ kind: 'skipped', reason: 'tombstone: the message has no body' });

/**
 * Raw body → media type, fields and opaque data. The media type comes from an attribute
 * (`media_type`, `mediaType`, then a `content-type` that is not generic) or from the body's
 * `mediaType`; when both are present they must agree. Only allow-listed opaque-data keys survive,
 * so transport internals can never travel on.
 */
export class DecodeStage implements CoreStep {
  readonly name = 'decode';
  readonly #opaqueKeys: ReadonlySet<string>;
  readonly #normalized = new Map<string, string>();

  constructor(
    private readonly limits: JsonLimits,
    opaqueDataKeys: readonly string[],
  ) {
    this.#opaqueKeys = new Set(opaqueDataKeys);
  }

  apply(context: MessageContext): Outcome | undefined {
    const { body, attributes, rejection } = context.transportMessage;
    if (rejection !== undefined) throw invalid(rejection);
    if (body === null) return TOMBSTONE;
    const parsed = parseUntrustedJson(body, this.limits);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalid('body is JSON but not an object');
    }
    const { mediaType: bodyMediaType, opaqueData, ...fields } = parsed as Record<string, unknown>;
    context.mediaType = this.#mediaType(attributes, bodyMediaType);
    context.opaqueData = this.#opaqueData(opaqueData);
    context.fields = fields;
    context.bindLog({ mediaType: context.mediaType });
    return undefined;
  }

  /** The normalized media type; each candidate is normalized once. */
  #mediaType(attributes: Readonly<Record<string, string>>, fromBody: unknown): string {
    if (fromBody !== undefined && typeof fromBody !== 'string')
      throw invalid('mediaType in the body is not a string');
    const fromAttribute = mediaTypeAttribute(attributes);
    const raw = fromAttribute ?? fromBody;
    if (raw === undefined)
      throw invalid('no media type: neither a media_type attribute nor a mediaType field');
    const mediaType = this.#concrete(raw);
    if (fromAttribute !== undefined && fromBody !== undefined && normalizeMediaType(fromBody) !== mediaType) {
      throw invalid(
        `media type attribute ${quote(fromAttribute)} disagrees with the body's mediaType ${quote(fromBody)}`,
      );
    }
    return mediaType;
  }

  /**
   * `raw` normalized, or the error that it names no concrete media type. Remembered for the few
   * media types a daemon sees (normalizing splits, trims and lower-cases a copy each time; it was
   * 1 % of an RPC call's CPU); the memo is emptied when it reaches MEDIA_TYPE_MEMO entries.
   */
  #concrete(raw: string): string {
    const known = this.#normalized.get(raw);
    if (known !== undefined) return known;
    const mediaType = normalizeMediaType(raw);
    if (!isConcreteNormalizedMediaType(mediaType)) throw invalid(`${quote(raw)} is not a media type`);
    if (this.#normalized.size >= MEDIA_TYPE_MEMO) this.#normalized.clear();
    this.#normalized.set(raw, mediaType);
    return mediaType;
  }

  #opaqueData(value: unknown): Record<string, string> {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw invalid('opaqueData is not an object');
    const kept: Record<string, string> = {};
    for (const key of this.#opaqueKeys) {
      if (!Object.hasOwn(value, key)) continue;
      const item = (value as Record<string, unknown>)[key];
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
        throw invalid(`opaqueData["${key}"] is not a string`);
      }
      kept[key] = String(item);
    }
    return kept;
  }
}

function mediaTypeAttribute(attributes: Readonly<Record<string, string>>): string | undefined {
  const explicit = attributes.media_type ?? attributes.mediaType;
  if (explicit !== undefined) return explicit;
  const contentType = attributes['content-type'];
  if (contentType === undefined || GENERIC_CONTENT_TYPES.has(normalizeMediaType(contentType)))
    return undefined;
  return contentType;
}

function quote(text: string): string {
  return `"${boundedText(text, QUOTED_MEDIA_TYPE_BYTES)}"`;
}
