import { ErrorCodes } from '../../errors/codes.js';
import { SwitchyardError } from '../../errors/SwitchyardError.js';
import type { BoundHandler } from '../../handlers/HandlerRegistry.js';
import type { RawMessage } from '../../handlers/RawMessage.js';
import { isConcreteNormalizedMediaType, normalizeMediaType } from '../../messages/mediaType.js';
import type { Outcome } from '../../outcomes/Outcome.js';
import type { CoreStep } from '../CoreStep.js';
import type { MessageContext } from '../MessageContext.js';
import { MEDIA_TYPE_ATTRIBUTES } from './DecodeStage.js';

const OCTET_STREAM = 'application/octet-stream';
// Longer media types are not used: the value lands in logs and metric labels.
const MAX_MEDIA_TYPE_LENGTH = 200;
const TOMBSTONE: Outcome = Object.freeze({ kind: 'skipped', reason: 'tombstone: the message has no body' });

/**
 * Replaces decode, check-ttl and dispatch for a daemon with one raw-bytes handler: the body is
 * handed over as bytes, whatever its media type, and validation has nothing to do. What stays is
 * what holds for any body: a transport's rejection and the size limit make it invalid, a tombstone
 * is skipped.
 */
export class RawMessageStage implements CoreStep {
  readonly name = 'raw-message';

  constructor(
    private readonly handler: BoundHandler,
    private readonly maxBodyBytes: number,
  ) {}

  apply(context: MessageContext): Outcome | undefined {
    const { body, attributes, rejection, key } = context.transportMessage;
    if (rejection !== undefined) throw new SwitchyardError(ErrorCodes.MESSAGE_INVALID, rejection);
    if (body === null) return TOMBSTONE;
    const bytes =
      typeof body === 'string'
        ? Buffer.from(body)
        : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    if (bytes.byteLength > this.maxBodyBytes) {
      throw new SwitchyardError(
        ErrorCodes.MESSAGE_TOO_LARGE,
        `body is ${bytes.byteLength} bytes, above consumer.maxBodyBytes (${this.maxBodyBytes})`,
      );
    }
    const mediaType = mediaTypeOf(attributes);
    const message: RawMessage = { body: bytes, mediaType, attributes, key };
    context.mediaType = mediaType;
    context.message = message;
    context.handler = this.handler;
    context.bindLog({ handler: this.handler.name });
    return undefined;
  }
}

function mediaTypeOf(attributes: Readonly<Record<string, string>>): string {
  for (const name of MEDIA_TYPE_ATTRIBUTES) {
    const value = attributes[name];
    if (value === undefined || value.length > MAX_MEDIA_TYPE_LENGTH) continue;
    const normalized = normalizeMediaType(value);
    if (isConcreteNormalizedMediaType(normalized)) return normalized;
  }
  return OCTET_STREAM;
}
