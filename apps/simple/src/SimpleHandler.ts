import { handles, injectable, type HandlerContext, type MessageHandler } from '@switchyard/core';
import { Greeter } from './Greeter.js';
import { SimpleMessage } from './SimpleMessage.js';

@handles(SimpleMessage)
@injectable()
export class SimpleHandler implements MessageHandler<SimpleMessage> {
  constructor(private readonly greeter: Greeter) {}

  handle(message: SimpleMessage, context: HandlerContext): void {
    context.logger.debug({ age: Date.now() - message.timestamp }, this.greeter.greet(message.message));
  }
}
