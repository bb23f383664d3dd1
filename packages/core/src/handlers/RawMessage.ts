import type { HandlerContext } from './HandlerContext.js';

/**
 * A message as bytes, for a handler of every media type that reads bodies itself (the stream
 * processor's worker pool): nothing is parsed, validated or dispatched by media type.
 */
export interface RawMessage {
  /** The body as the transport delivered it (a view, not a copy); text bodies as their UTF-8 bytes. */
  readonly body: Buffer;
  /** The media type attribute when the message carries a usable one, else `application/octet-stream`. */
  readonly mediaType: string;
  /** Message attributes or headers, as received. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The sender's key (Kafka key, FIFO group id), if any. */
  readonly key?: string;
}

/** Handles every message of the daemon as bytes; its outcome rules are a normal handler's. */
export type RawHandlerFunction = (message: RawMessage, context: HandlerContext) => Promise<void> | void;
