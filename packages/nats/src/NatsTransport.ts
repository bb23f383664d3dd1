import { jetstream, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { DeadLetterDetails, DeadLetterResult, Transport, TransportMessage } from '@switchyard/core';
import type { Logger } from 'pino';
import { DeadLetterPublisher } from './DeadLetterPublisher.js';
import { LeaseRenewals } from './LeaseRenewals.js';
import type { NatsClient } from './NatsClient.js';
import type { NatsConfig } from './NatsConfig.js';
import { toTransportMessage } from './natsMessage.js';
import { checkJetStream, type Checked } from './preflight.js';

// Longest a close waits for the messages the client had fetched ahead, to hand them back.
const CLOSE_RELEASE_WAIT_MS = 2000;

export interface NatsTransportOptions {
  readonly durable: string;
  /** `consumer.maxAttempts`, checked against an existing consumer's max_deliver. */
  readonly maxAttempts: number;
  /** Messages the client pulls ahead of the daemon (`consumer.concurrency`). */
  readonly prefetch: number;
  /** Called at close; the connection may still serve the producer (see `NatsClient.use`). */
  readonly releaseClient: () => Promise<void>;
}

interface Consuming {
  readonly checked: Checked;
  readonly messages: ConsumerMessages;
  readonly iterator: AsyncIterator<JsMsg>;
  readonly deadLetters: DeadLetterPublisher;
}

type Next = { readonly message: JsMsg } | { readonly ended: true };

/**
 * Consumes a durable JetStream pull consumer. The client pulls up to `prefetch` messages ahead
 * (`consume()`, which asks for more only as the daemon takes them); ack, nak with a delay,
 * `working()` and term map to the daemon's ack, nack, extend and dead letter; the lease is the
 * consumer's ack_wait. A dead letter is published to the dead-letter subject and confirmed before
 * the original is terminated. Start-up checks (stream, consumer, dead-letter stream) are in
 * `preflight.ts`.
 */
export class NatsTransport implements Transport {
  readonly name = 'nats';
  /** The JetStream message behind each delivery, kept off the object handlers see. */
  readonly #raw = new WeakMap<TransportMessage, JsMsg>();
  #consuming: Consuming | undefined;
  /** What the start-up check found; kept when the consumer is started again. */
  #checked: Checked | undefined;
  #starting: Promise<Consuming> | undefined;
  /** The iterator's next message, still pending when a receive gave up waiting for it. */
  #pending: Promise<Next> | undefined;
  #closing: Promise<void> | undefined;
  readonly #closed = new AbortController();
  readonly #renewals = new LeaseRenewals(() => this.#checked?.ackWaitSeconds ?? 30);

  constructor(
    private readonly client: NatsClient,
    private readonly settings: NatsConfig,
    private readonly options: NatsTransportOptions,
    private readonly logger: Logger,
  ) {}

  /** The consumer's ack_wait once started: a handler running longer is kept with `working()`. */
  get leaseSeconds(): number | undefined {
    return this.#checked?.ackWaitSeconds;
  }

  /** Start-up check: connects, checks (or creates) the stream, consumer and dead-letter stream. */
  async start(): Promise<void> {
    await this.#start();
  }

  /**
   * Waits up to `nats.receiveWaitMs` for a first message, then takes what else has arrived (up to
   * `max`) without waiting. An idle wait while the connection is down fails, so the daemon reports
   * not-ready until NATS is back.
   */
  async receive(max: number, signal: AbortSignal): Promise<TransportMessage[]> {
    const consuming = await this.#start();
    if (this.client.disconnected) throw this.#disconnected();
    const batch: TransportMessage[] = [];
    let wait: number | 'now' = this.settings.receiveWaitMs;
    while (batch.length < max && !signal.aborted && !this.#closed.signal.aborted) {
      const next = await this.#next(consuming, signal, wait);
      if (next === undefined) break;
      if ('ended' in next) {
        this.#consuming = undefined;
        if (batch.length === 0)
          throw new Error('the JetStream consumer stopped delivering; starting it again');
        break;
      }
      batch.push(this.#convert(next.message));
      wait = 'now';
    }
    if (batch.length === 0 && this.client.disconnected) throw this.#disconnected();
    return batch;
  }

  async ack(message: TransportMessage): Promise<void> {
    this.#finish(message).ack();
  }

  /** Redelivered by the server after the delay, as the next delivery (its count grows by one). */
  async nack(message: TransportMessage, delaySeconds: number): Promise<void> {
    const millis = Math.max(0, Math.round(delaySeconds * 1000));
    const raw = this.#finish(message);
    if (millis === 0) raw.nak();
    else raw.nak(millis);
  }

  // No release(): JetStream cannot hand a message back without counting a delivery, so the daemon
  // uses nack(message, 0) and the message spends an attempt (see the README).

  /**
   * `working()` restarts the message's ack_wait; for longer than the ack_wait it is repeated until
   * `seconds` have passed (see LeaseRenewals).
   */
  async extend(message: TransportMessage, seconds: number): Promise<void> {
    this.#renewals.extend(this.#jsMsg(message), seconds);
  }

  /** Publishes the copy, waits for its PubAck, then terminates the original (never redelivered). */
  async deadLetter(message: TransportMessage, details: DeadLetterDetails): Promise<DeadLetterResult | void> {
    const consuming = await this.#start();
    const raw = this.#jsMsg(message);
    const result = await consuming.deadLetters.send(raw, details);
    this.#renewals.stop(raw);
    // No reason text: servers before 2.10.4 ignore a "+TERM <reason>" and would redeliver.
    raw.term();
    return result;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed.abort();
    this.#renewals.clear();
    const consuming = this.#consuming ?? (await this.#starting?.catch(() => undefined));
    if (consuming !== undefined) {
      consuming.messages.stop();
      const released = await this.#releaseFetched(consuming);
      if (released > 0) this.logger.info({ released }, 'released messages fetched but never handed out');
    }
    try {
      // Acks, naks and terms are plain publishes: make sure they left before the connection goes.
      if (this.#starting !== undefined) await (await this.client.connection()).flush();
    } catch (error) {
      this.logger.warn(
        { err: error },
        'could not flush acks at close; unacked messages come back after ack_wait',
      );
    }
    await this.options.releaseClient();
  }

  /** Naks what the client pulled ahead but the daemon never took (the iterator ends after them). */
  async #releaseFetched(consuming: Consuming): Promise<number> {
    let released = 0;
    const deadline = performance.now() + CLOSE_RELEASE_WAIT_MS;
    const never = new AbortController().signal;
    while (performance.now() < deadline) {
      const next = await this.#next(consuming, never, Math.max(1, deadline - performance.now()));
      if (next === undefined || 'ended' in next) break;
      next.message.nak();
      released += 1;
    }
    return released;
  }

  /**
   * The iterator's next message, waiting at most `wait` ms (`now`: only if it is already there).
   * A message that arrives after the wait stays pending for the next call, so none is dropped.
   */
  async #next(consuming: Consuming, signal: AbortSignal, wait: number | 'now'): Promise<Next | undefined> {
    const pending = (this.#pending ??= consuming.iterator
      .next()
      .then((result): Next => (result.done === true ? { ended: true } : { message: result.value })));
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const gaveUp = new Promise<undefined>((resolve) => {
      onAbort = () => resolve(undefined);
      if (wait === 'now') setImmediate(onAbort);
      else timer = setTimeout(onAbort, wait);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal !== this.#closed.signal)
        this.#closed.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const next = await Promise.race([pending, gaveUp]);
      if (next !== undefined) this.#pending = undefined;
      return next;
    } catch (error) {
      this.#pending = undefined;
      this.#consuming = undefined;
      throw error;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort!);
      this.#closed.signal.removeEventListener('abort', onAbort!);
    }
  }

  #convert(raw: JsMsg): TransportMessage {
    const message = toTransportMessage(raw, this.settings.mode);
    this.#raw.set(message, raw);
    return message;
  }

  /** The message's JetStream delivery, its lease renewals stopped: it is being acked or nacked. */
  #finish(message: TransportMessage): JsMsg {
    const raw = this.#jsMsg(message);
    this.#renewals.stop(raw);
    return raw;
  }

  #jsMsg(message: TransportMessage): JsMsg {
    const raw = this.#raw.get(message);
    if (raw === undefined) throw new Error(`message ${message.id} was not received by this NATS transport`);
    return raw;
  }

  #disconnected(): Error {
    return new Error(`disconnected from NATS at ${this.settings.servers}; reconnecting`);
  }

  async #start(): Promise<Consuming> {
    if (this.#consuming !== undefined) return this.#consuming;
    // A failed start is tried again by the next call (the daemon backs off between receives).
    this.#starting ??= this.#consume().finally(() => {
      this.#starting = undefined;
    });
    this.#consuming = await this.#starting;
    return this.#consuming;
  }

  async #consume(): Promise<Consuming> {
    const connection = await this.client.connection();
    const { stream } = this.settings;
    const { durable, maxAttempts, prefetch } = this.options;
    const checked = (this.#checked ??= await checkJetStream(connection, this.settings, {
      durable,
      maxAttempts,
      logger: this.logger,
    }));
    let js: JetStreamClient | undefined;
    const client = (): JetStreamClient => (js ??= jetstream(connection));
    const consumer = await client().consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: prefetch });
    void this.#watch(messages);
    this.logger.info(
      {
        stream,
        durable,
        ackWaitSeconds: checked.ackWaitSeconds,
        deadLetterSubject: checked.deadLetterSubject,
        mode: this.settings.mode,
      },
      'consuming JetStream',
    );
    return {
      checked,
      messages,
      iterator: messages[Symbol.asyncIterator](),
      deadLetters: new DeadLetterPublisher(
        client,
        checked.deadLetterSubject,
        checked.deadLetterMaxBytes,
        this.settings.publishTimeoutMs,
      ),
    };
  }

  /** Logs what the consumer reports that an operator must act on (its stream or consumer gone). */
  async #watch(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (
        status.type === 'consumer_deleted' ||
        status.type === 'consumer_not_found' ||
        status.type === 'stream_not_found'
      )
        this.logger.error(
          { stream: this.settings.stream, durable: this.options.durable, status: status.type },
          'the JetStream consumer or stream is gone; waiting for it to be created again',
        );
    }
  }
}
