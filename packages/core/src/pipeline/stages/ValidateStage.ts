import type { MessageCodec } from '../../messages/MessageCodec.js';
import type { Outcome } from '../../outcomes/Outcome.js';
import type { MessageContext } from '../MessageContext.js';
import type { Middleware } from '../Middleware.js';

/** Fields → typed, validated message (class-validator); unknown fields are dropped. */
export class ValidateStage implements Middleware {
  readonly name = 'validate';

  constructor(private readonly codec: MessageCodec) {}

  async handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    context.message = await this.codec.decode(context.mediaType ?? '', context.fields ?? {});
    return next();
  }
}
