import type { MessageCodec } from '../../messages/MessageCodec.js';
import type { MessageContext } from '../MessageContext.js';

/**
 * Fields → typed, validated message; unknown fields are dropped. Synchronous for schemas the codec
 * compiled (and messages without a schema); a promise only for schemas on class-validator's path.
 */
export class ValidateStage {
  readonly name = 'validate';

  constructor(private readonly codec: MessageCodec) {}

  apply(context: MessageContext): Promise<void> | undefined {
    // A raw-bytes handler's step has set the message already: there are no fields to validate.
    if (context.message !== undefined) return undefined;
    const decoded = this.codec.decode(context.mediaType ?? '', context.fields ?? {});
    if (!(decoded instanceof Promise)) {
      context.message = decoded;
      return undefined;
    }
    return decoded.then((message) => {
      context.message = message;
    });
  }
}
