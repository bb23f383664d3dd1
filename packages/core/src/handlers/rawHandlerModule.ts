import { ContainerModule, type ResolutionContext } from 'inversify';
import { ConsumerConfig } from '../config/ConsumerConfig.js';
import { TOKENS } from '../graph/tokens.js';
import { MessageCodec } from '../messages/MessageCodec.js';
import { buildPipeline } from '../pipeline/buildPipeline.js';
import { MessagePipeline } from '../pipeline/MessagePipeline.js';
import type { Middleware } from '../pipeline/Middleware.js';
import { RawMessageStage } from '../pipeline/stages/RawMessageStage.js';
import { Producer } from '../producer/Producer.js';
import { HandlerRegistry, type BoundHandler } from './HandlerRegistry.js';
import type { RawHandlerFunction, RawMessage } from './RawMessage.js';

/**
 * Makes one function the daemon's only handler, for every message as bytes (see `RawMessage`):
 * list the module in the daemon's `modules`. `makeHandler` is called once, when the pipeline is
 * built, with the graph (so the handler may use what other modules bound). The pipeline keeps its
 * middleware, error classification, timeout and outcomes; only decode, check-ttl and dispatch give
 * way to the raw-message step, so daemons without it run exactly as before.
 */
export function rawHandlerModule(
  name: string,
  makeHandler: (graph: ResolutionContext) => RawHandlerFunction,
): ContainerModule {
  return new ContainerModule(({ rebind }) => {
    rebind(MessagePipeline).toDynamicValue((context) => {
      const handler = makeHandler(context);
      const bound: BoundHandler = {
        name,
        mediaType: '*/*',
        invoke: (message, handlerContext) => handler(message as RawMessage, handlerContext),
      };
      const config = context.get(ConsumerConfig);
      return buildPipeline({
        config,
        codec: context.get(MessageCodec),
        handlers: context.get(HandlerRegistry),
        producer: context.get(Producer),
        middleware: context.getAll<Middleware>(TOKENS.Middleware, { optional: true }),
        steps: [new RawMessageStage(bound, config.maxBodyBytes)],
      });
    });
  });
}
