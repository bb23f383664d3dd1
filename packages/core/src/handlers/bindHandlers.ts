import type { Container, Newable } from 'inversify';
import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';
import { resolveOrExplain } from '../graph/resolveOrExplain.js';
import type { SchemaClass } from '../messages/schema.js';
import type { HandlerFunction, MessageHandler } from './HandlerContext.js';
import type { BoundHandler } from './HandlerRegistry.js';
import { handlesMetadata } from './handles.js';

/** A class with `handle()` (bound in the graph) or a function, either decorated with `@handles`. */
// `never` parameters accept a handler of any message type (parameters are contravariant); the
// registry guarantees at run time that a handler only receives the media types it declared.
export type HandlerTarget = Newable<MessageHandler<never>> | HandlerFunction<never>;

function isHandlerClass(target: HandlerTarget): target is Newable<MessageHandler<never>> {
  return typeof (target.prototype as Partial<MessageHandler> | undefined)?.handle === 'function';
}

/** The schema classes the handlers name, so they need not be listed twice. */
export function schemasOf(targets: readonly HandlerTarget[]): SchemaClass[] {
  return targets.flatMap((target) => handlesMetadata(target)?.schemas ?? []);
}

/**
 * Resolves each handler (classes through the graph, so their collaborators are injected) into one
 * `BoundHandler` per media type it handles. Fails at start, naming the handler, if one is not
 * decorated or cannot be built.
 */
export function bindHandlers(container: Container, targets: readonly HandlerTarget[]): BoundHandler[] {
  return targets.flatMap((target) => {
    const metadata = handlesMetadata(target);
    const name = target.name || 'anonymous handler';
    if (metadata === undefined) {
      throw new SwitchyardError(
        ErrorCodes.DECORATOR_MISUSE,
        `${name} is listed as a handler but has no @handles(...)`,
      );
    }
    let invoke: BoundHandler['invoke'];
    if (isHandlerClass(target)) {
      if (!container.isBound(target)) container.bind(target).toSelf().inSingletonScope();
      const instance = resolveOrExplain(container, target, 'the daemon (handlers)');
      invoke = (message, context) => instance.handle(message as never, context);
    } else {
      invoke = (message, context) => target(message as never, context);
    }
    return metadata.mediaTypes.map((mediaType) => ({ name, mediaType, invoke }));
  });
}
