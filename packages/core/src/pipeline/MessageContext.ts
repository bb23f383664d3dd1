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
  /** Why the handler was aborted (its timeout, or shutdown's deadline), once it was. */
  #abortError: Error | undefined;
  #handlerAbort: AbortController | undefined;
  #rejectRace: ((error: Error) => void) | undefined;

  constructor(
    readonly transportMessage: TransportMessage,
    readonly transportName: string,
    /** The daemon's logger; `logger` is its child bound to this message. */
    readonly baseLogger: Logger,
    /** Aborted when shutdown's deadline passes (shared by every message of the runner). */
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

  /**
   * Aborts the handler (its timeout, or shutdown's deadline): its signal fires and a pending
   * `raceAbort` rejects with `error`. The first call wins.
   */
  abortHandler(error: Error): void {
    if (this.#abortError !== undefined) return;
    this.#abortError = error;
    this.#handlerAbort?.abort(error);
    this.#rejectRace?.(error);
  }

  get handlerAborted(): boolean {
    return this.#abortError !== undefined;
  }

  /**
   * The handler's signal, made on first read: most handlers never look at it, and an
   * AbortController per message showed up in the profile.
   */
  get handlerSignal(): AbortSignal {
    if (this.#handlerAbort === undefined) {
      this.#handlerAbort = new AbortController();
      if (this.#abortError !== undefined) this.#handlerAbort.abort(this.#abortError);
    }
    return this.#handlerAbort.signal;
  }

  /**
   * Settles as `work` does, or rejects as soon as the handler is aborted: JavaScript cannot stop
   * a running function, so an aborted handler's late result is ignored.
   */
  raceAbort<T>(work: Promise<T>): Promise<T> {
    if (this.#abortError !== undefined) return Promise.reject(this.#abortError);
    return new Promise<T>((resolve, reject) => {
      this.#rejectRace = reject;
      work.then(resolve, reject);
    });
  }

  /** The handler's view: no transport internals (receipt handles, offsets stay here). */
  handlerContext(): HandlerContext {
    if (this.mediaType === undefined || this.producer === undefined) {
      throw new Error('handlerContext() called before the message was decoded');
    }
    return new MessageHandlerContext(this, this.mediaType, this.producer);
  }
}

/**
 * What a handler receives. A class rather than an object literal with getters: the literal cost a
 * closure per getter per message in the profile. `logger` and `signal` are getters on the
 * prototype, built only when the handler reads them.
 */
class MessageHandlerContext implements HandlerContext {
  readonly messageId: string;
  readonly attempt: number;
  readonly source: string;
  readonly key?: string;
  readonly opaqueData: Readonly<Record<string, string>>;
  // Private: the handler must not reach transport internals (receipt handles, offsets).
  readonly #message: MessageContext;

  constructor(
    message: MessageContext,
    readonly mediaType: string,
    readonly producer: DeferredProducer,
  ) {
    this.#message = message;
    const { transportMessage } = message;
    this.messageId = transportMessage.id;
    this.attempt = transportMessage.attempt;
    this.source = transportMessage.source;
    this.key = transportMessage.key;
    this.opaqueData = message.opaqueData;
  }

  get logger(): Logger {
    return this.#message.logger;
  }

  get signal(): AbortSignal {
    return this.#message.handlerSignal;
  }
}
