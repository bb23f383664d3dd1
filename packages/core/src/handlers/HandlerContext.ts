import type { Logger } from 'pino';
import type { DeferredPublisher } from '../producer/DeferredProducer.js';

/** What a handler knows about the message it is handling, beyond the message itself. */
export interface HandlerContext {
  /** Transport message id (SQS MessageId, Kafka topic/partition/offset, in-memory id). */
  readonly messageId: string;
  readonly mediaType: string;
  /** 1 on first delivery, then 2, 3, … */
  readonly attempt: number;
  /** Queue or topic the message came from. */
  readonly source: string;
  /** The sender's key (Kafka key, FIFO group id), if any. */
  readonly key?: string;
  /** Context that travels with the message; only the allow-listed keys (consumer.opaqueDataKeys). */
  readonly opaqueData: Readonly<Record<string, string>>;
  /** Logger bound to message id and media type. */
  readonly logger: Logger;
  /** Aborted on handler timeout and when shutdown's deadline passes. */
  readonly signal: AbortSignal;
  /** Messages published here go out only after the handler succeeds. */
  readonly producer: DeferredPublisher;
}

/** A class handler: bound in the object graph, so its constructor may inject collaborators. */
export interface MessageHandler<T = object> {
  handle(message: T, context: HandlerContext): Promise<void> | void;
}

/** A function handler, for handlers that need no collaborators. */
export type HandlerFunction<T = object> = (message: T, context: HandlerContext) => Promise<void> | void;
