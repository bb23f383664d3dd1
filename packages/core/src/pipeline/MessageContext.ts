import type { Logger } from 'pino';
import type { BoundHandler } from '../handlers/HandlerRegistry.js';
import type { HandlerContext } from '../handlers/HandlerContext.js';
import type { DeferredProducer } from '../producer/DeferredProducer.js';
import type { TransportMessage } from '../transport/Transport.js';

/**
 * One message on its way through the pipeline. Stages fill the fields in order (decode sets
 * `mediaType`, `fields` and `opaqueData`; dispatch sets `handler`; validation sets `message`), so a
 * middleware reads after `next()` whatever the inner stages learned.
 */
export class MessageContext {
  mediaType?: string;
  fields?: Record<string, unknown>;
  opaqueData: Record<string, string> = {};
  handler?: BoundHandler;
  message?: object;
  producer?: DeferredProducer;
  readonly startedAt = performance.now();

  readonly #logBindings: Record<string, unknown>;
  #logger: Logger | undefined;

  constructor(
    readonly transportMessage: TransportMessage,
    readonly transportName: string,
    /** The daemon's logger; `logger` is its child bound to this message. */
    readonly baseLogger: Logger,
    readonly signal: AbortSignal,
  ) {
    this.#logBindings = { messageId: transportMessage.id, source: transportMessage.source };
  }

  /**
   * A logger bound to this message's id, source, media type and handler. Built on first use:
   * a child logger per message is most of the framework's cost when nothing is logged.
   */
  get logger(): Logger {
    this.#logger ??= this.baseLogger.child(this.#logBindings);
    return this.#logger;
  }

  /** Adds fields to every later line of this message's logger. */
  bindLog(fields: Record<string, unknown>): void {
    Object.assign(this.#logBindings, fields);
    this.#logger = undefined;
  }

  get attempt(): number {
    return this.transportMessage.attempt;
  }

  /** The handler's view: no transport internals (receipt handles, offsets stay here). */
  handlerContext(signal: AbortSignal): HandlerContext {
    if (this.mediaType === undefined || this.producer === undefined) {
      throw new Error('handlerContext() called before the message was decoded');
    }
    const message = this; // eslint-disable-line @typescript-eslint/no-this-alias -- the getter below needs it
    return {
      messageId: this.transportMessage.id,
      mediaType: this.mediaType,
      attempt: this.attempt,
      source: this.transportMessage.source,
      key: this.transportMessage.key,
      opaqueData: this.opaqueData,
      get logger() {
        return message.logger; // built only if the handler logs
      },
      signal,
      producer: this.producer,
    };
  }
}
