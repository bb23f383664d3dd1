import { randomUUID } from 'node:crypto';
import type { Transport, TransportMessage } from '../../transport/Transport.js';
import type { ConformanceMessage, ConformanceQueue } from './types.js';

/** A received message's body as text (Kafka hands over a Buffer, SQS a string). */
export function bodyText(message: TransportMessage): string {
  const { body } = message;
  if (body === null) return '';
  return typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
}

const POLL_MS = 20;
/** A receive asks for at most this many messages (SQS gives 10 a call). */
const RECEIVE_MAX = 10;
/** Pause before a receive that threw is tried again. */
const RECEIVE_RETRY_MS = 200;

/**
 * One test's queue and the transports it opened: opens and starts them, receives with bounded
 * waits that fail naming what they waited for, and closes whatever is still open at the end.
 */
export class ConformanceRun {
  readonly #open = new Set<Transport>();
  readonly #tag = randomUUID().slice(0, 8);
  /** The last receive that threw: retried as the daemon does, named when a wait times out. */
  #receiveFailure: unknown;

  constructor(
    readonly queue: ConformanceQueue,
    readonly timeoutMs: number,
  ) {}

  /** Distinct bodies for this test: `<label>-<run tag>-<n>`. */
  bodies(label: string, count: number): string[] {
    return Array.from({ length: count }, (_, index) => `${label}-${this.#tag}-${index}`);
  }

  async open(): Promise<Transport> {
    const transport = await this.queue.transport();
    this.#open.add(transport);
    await transport.start?.();
    return transport;
  }

  async close(transport: Transport): Promise<void> {
    this.#open.delete(transport);
    await transport.close();
  }

  /** The transport is dropped without `close`, as a crash would (the queue's `crash` cuts its connections). */
  async crash(transport: Transport): Promise<void> {
    this.#open.delete(transport);
    await this.queue.crash?.(transport);
  }

  async dispose(): Promise<void> {
    const closing = [...this.#open].map((transport) => transport.close());
    this.#open.clear();
    await Promise.allSettled(closing);
    await this.queue.dispose?.();
  }

  publish(messages: readonly ConformanceMessage[]): Promise<void> {
    return this.queue.publish(messages);
  }

  /**
   * Receives (calling `onReceived` for each message, e.g. to ack it) until `done` holds for what
   * arrived; fails after the timeout naming `what` and the bodies received.
   */
  async receiveUntil(
    transport: Transport,
    what: string,
    done: (received: readonly TransportMessage[]) => boolean,
    onReceived: (message: TransportMessage) => Promise<void> = async () => undefined,
    timeoutMs = this.timeoutMs,
  ): Promise<TransportMessage[]> {
    const received: TransportMessage[] = [];
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), timeoutMs);
    try {
      while (!done(received)) {
        if (stop.signal.aborted)
          throw new Error(
            `timed out after ${timeoutMs} ms waiting until ${what}; received: ${describe(received)}${this.#lastFailure()}`,
          );
        for (const message of await this.#receive(transport, stop.signal)) {
          received.push(message);
          await onReceived(message);
        }
      }
      return received;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Receives until a message with `body` arrives; returns it. */
  async receiveBody(
    transport: Transport,
    body: string,
    timeoutMs = this.timeoutMs,
  ): Promise<TransportMessage> {
    const received = await this.receiveUntil(
      transport,
      `"${body}" is received`,
      (messages) => messages.some((message) => bodyText(message) === body),
      undefined,
      timeoutMs,
    );
    return received.find((message) => bodyText(message) === body)!;
  }

  /**
   * Everything received during `windowMs` (for "is not delivered again meanwhile" cases: a
   * transport that redelivers within the window fails them).
   */
  async receiveDuring(transport: Transport, windowMs: number): Promise<TransportMessage[]> {
    const received: TransportMessage[] = [];
    const window = new AbortController();
    const timer = setTimeout(() => window.abort(), windowMs);
    try {
      while (!window.signal.aborted) received.push(...(await this.#receive(transport, window.signal)));
      return received;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One receive. One that throws (a consumer restarting, a server not ready) is retried after a
   * pause, as the daemon's poll loop does; the error is kept for the timeout's message.
   */
  async #receive(transport: Transport, signal: AbortSignal): Promise<TransportMessage[]> {
    try {
      return await transport.receive(RECEIVE_MAX, signal);
    } catch (error) {
      this.#receiveFailure = error;
      await new Promise((resolve) => setTimeout(resolve, RECEIVE_RETRY_MS));
      return [];
    }
  }

  #lastFailure(): string {
    const failure = this.#receiveFailure;
    if (failure === undefined) return '';
    return `; the last failed receive: ${failure instanceof Error ? failure.message : JSON.stringify(failure)}`;
  }

  /** Polls `remaining()` until it is `expected`; fails naming the last count. */
  async remainingBecomes(expected: number, why: string): Promise<void> {
    await this.eventually(
      `${expected} message(s) remain on the queue (${why})`,
      () => this.queue.remaining(),
      (count) => count === expected,
    );
  }

  /** Resolves with `promise`, or fails naming `what` after `timeoutMs`. */
  async within<T>(promise: Promise<T>, what: string, timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([promise, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Polls `read` until `holds` is true of its value; fails naming `what` and the last value. */
  async eventually<T>(what: string, read: () => Promise<T>, holds: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const value = await read();
      if (holds(value)) return value;
      if (Date.now() > deadline)
        throw new Error(
          `timed out after ${this.timeoutMs} ms waiting until ${what}; last: ${JSON.stringify(value)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, POLL_MS * 10));
    }
  }
}

function describe(messages: readonly TransportMessage[]): string {
  if (messages.length === 0) return 'nothing';
  const shown = messages.slice(0, 20).map((message) => `"${bodyText(message)}" (attempt ${message.attempt})`);
  return `${shown.join(', ')}${messages.length > 20 ? ` and ${messages.length - 20} more` : ''}`;
}
