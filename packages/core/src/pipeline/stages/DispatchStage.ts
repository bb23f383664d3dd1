import type { HandlerRegistry } from '../../handlers/HandlerRegistry.js';
import type { Outcome } from '../../outcomes/Outcome.js';
import type { MessageContext } from '../MessageContext.js';
import type { CoreStep } from '../CoreStep.js';

/** Finds the handler for the media type; a message nobody handles is `ignored` (or dead-lettered). */
export class DispatchStage implements CoreStep {
  readonly name = 'dispatch';

  constructor(
    private readonly handlers: HandlerRegistry,
    private readonly unhandled: 'ack' | 'dead-letter',
  ) {}

  apply(context: MessageContext): Outcome | undefined {
    const mediaType = context.mediaType ?? '';
    const handler = this.handlers.find(mediaType);
    if (handler === undefined) {
      const reason = `no handler for media type "${mediaType}"`;
      return this.unhandled === 'ack' ? { kind: 'ignored', reason } : { kind: 'dead-lettered', reason };
    }
    context.handler = handler;
    context.bindLog({ handler: handler.name });
    return undefined;
  }
}
