import { ErrorCodes } from '../../errors/codes.js';
import { SwitchyardError } from '../../errors/SwitchyardError.js';
import { isMediaTypePattern, isValidMediaType, normalizeMediaType } from '../../messages/mediaType.js';
import { parseUntrustedJson, type JsonLimits } from '../../messages/safeJson.js';
import type { Outcome } from '../../outcomes/Outcome.js';
import type { MessageContext } from '../MessageContext.js';
import type { Middleware } from '../Middleware.js';

/** Attribute / header names that may carry the media type, in order of preference. */
export const MEDIA_TYPE_ATTRIBUTES = ['media_type', 'mediaType', 'content-type'] as const;

const invalid = (reason: string): SwitchyardError => new SwitchyardError(ErrorCodes.MESSAGE_INVALID, reason);

/**
 * Raw body → media type, fields and opaque data. The media type comes from an attribute or from
 * the body's `mediaType`; when both are present they must agree. Only allow-listed opaque-data keys
 * survive, so transport internals can never travel on.
 */
export class DecodeStage implements Middleware {
  readonly name = 'decode';
  readonly #opaqueKeys: ReadonlySet<string>;

  constructor(
    private readonly limits: JsonLimits,
    opaqueDataKeys: readonly string[],
  ) {
    this.#opaqueKeys = new Set(opaqueDataKeys);
  }

  async handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    const { body, attributes, rejection } = context.transportMessage;
    if (rejection !== undefined) throw invalid(rejection);
    if (body === null) return { kind: 'skipped', reason: 'tombstone: the message has no body' };
    const parsed = parseUntrustedJson(body, this.limits);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalid('body is JSON but not an object');
    }
    const { mediaType: bodyMediaType, opaqueData, ...fields } = parsed as Record<string, unknown>;
    context.mediaType = this.#mediaType(attributes, bodyMediaType);
    context.opaqueData = this.#opaqueData(opaqueData);
    context.fields = fields;
    context.bindLog({ mediaType: context.mediaType });
    return next();
  }

  #mediaType(attributes: Readonly<Record<string, string>>, fromBody: unknown): string {
    const fromAttribute = MEDIA_TYPE_ATTRIBUTES.map((name) => attributes[name]).find(
      (value) => value !== undefined,
    );
    if (fromBody !== undefined && typeof fromBody !== 'string')
      throw invalid('mediaType in the body is not a string');
    const mediaType = fromAttribute ?? fromBody;
    if (mediaType === undefined)
      throw invalid('no media type: neither a media_type attribute nor a mediaType field');
    if (!isValidMediaType(mediaType) || isMediaTypePattern(mediaType))
      throw invalid(`"${mediaType}" is not a media type`);
    if (
      fromAttribute !== undefined &&
      fromBody !== undefined &&
      normalizeMediaType(fromBody) !== normalizeMediaType(fromAttribute)
    ) {
      throw invalid(
        `media type attribute "${fromAttribute}" disagrees with the body's mediaType "${fromBody}"`,
      );
    }
    return normalizeMediaType(mediaType);
  }

  #opaqueData(value: unknown): Record<string, string> {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw invalid('opaqueData is not an object');
    const kept: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (!this.#opaqueKeys.has(key)) continue;
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
        throw invalid(`opaqueData["${key}"] is not a string`);
      }
      kept[key] = String(item);
    }
    return kept;
  }
}
