/** What a worker's `context.logger` offers: pino-style, a mapping of fields first if wanted. */
export interface WorkerLogger {
  debug(fieldsOrMessage: object | string, message?: string): void;
  info(fieldsOrMessage: object | string, message?: string): void;
  warn(fieldsOrMessage: object | string, message?: string): void;
  error(fieldsOrMessage: object | string, message?: string): void;
}

/**
 * The `context` a handler module's `initContext(context)` and `handleEvent(context, data)` get.
 * One object per worker, kept across its calls: what `initContext` sets on it stays. The message's
 * fields are set before each `handleEvent`. (Types only: the worker builds it, see workerEntry.ts.)
 */
export interface WorkerContext {
  /** The worker's number in the pool. */
  readonly workerId: number;
  /** The daemon's environment plus `processor.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Writes one JSON line per call to the worker's stderr, with its workerId. */
  readonly logger: WorkerLogger;
  /** The message's id at its source (stable across its redeliveries). */
  readonly messageId: string;
  /** The message's key (Kafka key, FIFO group, HTTP x-record-key), if any. */
  readonly key: string | undefined;
  /** Headers or attributes, as received. */
  readonly headers: Readonly<Record<string, string>>;
  /** The media type the message names, else application/octet-stream. */
  readonly mediaType: string;
  /** 1 on the first delivery, then counting retries. */
  readonly attempt: number;
  /** Topic, queue or path the message came from. */
  readonly source: string;
  /** Anything initContext set. */
  [name: string]: unknown;
}
