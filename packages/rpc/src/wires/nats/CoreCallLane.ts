import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import {
  headers as natsHeaders,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import { boundedText, type DeadLetterDetails, type Transport, type TransportMessage } from '@switchyard/core';
import { NATS_DEAD_LETTER_HEADERS, REASON_MAX_BYTES } from '@switchyard/nats';
import { rpcErrorReply } from '../../bus/RpcReply.js';
import { RpcErrorCodes } from '../../errors.js';
import type { Logger } from './NatsWire.js';
import { answerWhoServes, apiGroup } from './whoServes.js';

export interface CoreCallLaneParts {
  readonly connection: NatsConnection;
  readonly js: JetStreamClient;
  readonly api: string;
  /** Where the API's calls are published (core NATS), served by a queue group of its daemons. */
  readonly subject: string;
  readonly methods: readonly string[];
  /** Where a call that failed is copied, with its reason, on JetStream (a stream keeps it). */
  readonly deadLetterSubject: string;
  /** Calls held here waiting for the pipeline; one more is answered OVERLOADED at once. */
  readonly maxWaiting: number;
  readonly publishTimeoutMs: number;
  readonly logger: Logger;
  /** Gives the shared connection back (NatsClient.use()), at the end of close. */
  readonly releaseClient: () => Promise<void>;
}

/**
 * An API's calls over core NATS: a queue-group subscription (each call reaches one of the API's
 * daemons) that hands calls to the daemon's pipeline as a Transport, so middleware, the
 * concurrency bound, outcomes and dead letters are the daemon's own. Nothing is stored: a call is
 * in this process's memory from delivery to reply. So `ack` has nothing to do; a `nack` runs the
 * call again here after its delay; a call still waiting at close is published again for another
 * daemon of the group (if there is none, its caller times out, or resends an idempotent call). A
 * failed call's copy goes to the dead-letter subject on JetStream, confirmed.
 *
 * Why not JetStream for calls (the `rpc.natsDurableCalls` mode): a stored call costs a publish
 * with its ack, a pull, and an ack on top of the reply: about 4× the CPU and round trips per call
 * (bench/README.md, RPC). A call has a deadline (5 s by default), so a store that keeps it while
 * no daemon runs helps only a restart shorter than the deadline.
 */
export class CoreCallLane implements Transport {
  readonly name = 'nats';
  readonly #parts: CoreCallLaneParts;
  readonly #idPrefix = randomUUID().slice(0, 8);
  #sequence = 0;
  /** Calls delivered and not yet taken by receive, oldest first (`#head` is the next). */
  #waiting: TransportMessage[] = [];
  #head = 0;
  #wake: (() => void) | undefined;
  #wakeQueued = false;
  readonly #retries = new Map<NodeJS.Timeout, TransportMessage>();
  #calls: Subscription | undefined;
  #served: Subscription | undefined;
  #closed = false;

  constructor(parts: CoreCallLaneParts) {
    this.#parts = parts;
  }

  /** Subscribes; resolves once the server has both subscriptions, so a call from now on arrives. */
  async start(): Promise<void> {
    const { connection, subject, api, methods } = this.#parts;
    this.#calls = connection.subscribe(subject, {
      queue: apiGroup(api),
      callback: (error, message) => {
        if (error === null) this.#deliver(message);
      },
    });
    this.#served = answerWhoServes(connection, api, { methods });
    await connection.flush();
  }

  /** Stops answering "who serves": clients see nobody once the last daemon of the API has withdrawn. */
  withdraw(): void {
    this.#served?.unsubscribe();
    this.#served = undefined;
  }

  receive(max: number, signal: AbortSignal): Promise<TransportMessage[]> {
    if (this.#count() > 0 || this.#closed || signal.aborted) return Promise.resolve(this.#take(max));
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve(this.#take(max));
      };
      this.#wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** The reply was the answer: nothing is stored, so nothing to remove. */
  ack(): Promise<void> {
    return Promise.resolve();
  }

  /** Runs the call again here after `delaySeconds`, as its next attempt. */
  nack(message: TransportMessage, delaySeconds: number): Promise<void> {
    const retry = { ...message, attempt: message.attempt + 1 };
    const timer = setTimeout(() => {
      this.#retries.delete(timer);
      this.#push(retry);
    }, delaySeconds * 1000);
    this.#retries.set(timer, retry);
    return Promise.resolve();
  }

  /** A call received but not started: another daemon of the group may take it while this one stops. */
  release(message: TransportMessage): Promise<void> {
    if (this.#closed || this.#calls === undefined) return this.#republish(message);
    this.#push(message);
    return Promise.resolve();
  }

  /** Calls hold no lease. */
  extend(): Promise<void> {
    return Promise.resolve();
  }

  async deadLetter(message: TransportMessage, details: DeadLetterDetails): Promise<void> {
    const { js, deadLetterSubject, publishTimeoutMs } = this.#parts;
    const headers = headersOf(message.attributes);
    headers.set(NATS_DEAD_LETTER_HEADERS.reason, boundedText(details.reason, REASON_MAX_BYTES));
    headers.set(NATS_DEAD_LETTER_HEADERS.attempts, String(details.attempts));
    headers.set(NATS_DEAD_LETTER_HEADERS.source, message.source);
    // The lane's id: a copy sent again (the first ack lost) is stored once.
    await js.publish(deadLetterSubject, message.body ?? '', {
      headers,
      msgID: message.id,
      timeout: publishTimeoutMs,
    });
  }

  /**
   * Unsubscribes (draining what the server already sent), then publishes every call still waiting
   * here, or waiting for a retry, again for another daemon of the API.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.withdraw();
    await this.#calls?.drain().catch(() => undefined);
    this.#calls = undefined;
    const left = this.#take(Number.MAX_SAFE_INTEGER);
    for (const [timer, message] of this.#retries) {
      clearTimeout(timer);
      left.push(message);
    }
    this.#retries.clear();
    await Promise.all(left.map((message) => this.#republish(message)));
    this.#wake?.();
    await this.#parts.connection.flush().catch(() => undefined);
    await this.#parts.releaseClient();
  }

  #deliver(message: Msg): void {
    const attributes: Record<string, string> = {};
    for (const [name, values] of message.headers ?? []) attributes[name] = values[0] ?? '';
    const call: TransportMessage = {
      id: `${this.#idPrefix}-${++this.#sequence}`,
      body: message.data,
      attributes,
      attempt: 1,
      source: message.subject,
    };
    if (this.#count() >= this.#parts.maxWaiting) {
      this.#refuse(call);
      return;
    }
    this.#push(call);
  }

  #push(message: TransportMessage): void {
    this.#waiting.push(message);
    if (this.#wake === undefined || this.#wakeQueued) return;
    // The parser delivers every call of one socket read before this runs: a waiting receive takes
    // them together, so their replies leave in one write rather than the first alone.
    this.#wakeQueued = true;
    queueMicrotask(() => {
      this.#wakeQueued = false;
      this.#wake?.();
    });
  }

  #count(): number {
    return this.#waiting.length - this.#head;
  }

  #take(max: number): TransportMessage[] {
    const end = Math.min(this.#waiting.length, this.#head + max);
    const taken = this.#waiting.slice(this.#head, end);
    this.#head = end;
    // The array is reset once drained, so it never grows with the calls served.
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    }
    return taken;
  }

  /**
   * More calls wait than the bound: this one is answered OVERLOADED at once (its caller may retry
   * or back off) rather than held until its deadline passes.
   */
  #refuse(call: TransportMessage): void {
    const { connection, api, maxWaiting, logger } = this.#parts;
    let envelope: { correlationId?: unknown; replyTo?: unknown } = {};
    try {
      envelope = JSON.parse(new TextDecoder().decode(call.body as Uint8Array)) as typeof envelope;
    } catch {
      // Not a call: the pipeline dead-letters what it cannot decode.
      this.#push(call);
      return;
    }
    const { correlationId, replyTo } = envelope;
    if (typeof correlationId !== 'string' || typeof replyTo !== 'string') {
      this.#push(call);
      return;
    }
    const message = `${api}: ${maxWaiting} calls already wait for this daemon (rpc.natsMaxWaitingCalls); call again later, or run more daemons of the API`;
    logger.warn({ correlationId }, message);
    connection.publish(replyTo, rpcErrorReply(correlationId, RpcErrorCodes.OVERLOADED, message));
  }

  #republish(message: TransportMessage): Promise<void> {
    const { connection, subject } = this.#parts;
    try {
      connection.publish(subject, message.body ?? '', { headers: headersOf(message.attributes) });
    } catch (error) {
      this.#parts.logger.warn({ err: error, messageId: message.id }, 'could not hand a call back to the API');
    }
    return Promise.resolve();
  }
}

/** A call's attributes as NATS headers again (to hand it on, or with its dead-letter headers added). */
function headersOf(attributes: Readonly<Record<string, string>>): MsgHdrs {
  const headers = natsHeaders();
  for (const [name, value] of Object.entries(attributes)) headers.set(name, value);
  return headers;
}
