import {
  jetstream,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { DeadLetterDetails, DeadLetterResult, Transport, TransportMessage } from '@switchyard/core';
import type { Logger } from 'pino';
import { AttemptLedger, FIRST, type Known } from './AttemptLedger.js';
import { DeadLetterPublisher } from './DeadLetterPublisher.js';
import { KeyLanes } from './KeyLanes.js';
import { LeaseRenewals } from './LeaseRenewals.js';
import type { NatsClient } from './NatsClient.js';
import type { NatsConfig } from './NatsConfig.js';
import { toTransportMessage } from './natsMessage.js';
import { checkJetStream, type Checked } from './preflight.js';

// Longest a close waits for the messages the client had fetched ahead, to hand them back.
const CLOSE_RELEASE_WAIT_MS = 2000;
// How long a pull request waits on the server. One the client has stopped stays registered there
// until it expires, and nats-server 2.9 delivers a nak straight to it (to no one): that message
// then counts a delivery nobody recorded as a release, and comes back only after ack_wait, behind
// its key's later ones. So a close that hands anything back waits this long after the pull
// stopped (see #handBackAll); short, since a stop waits for it.
const PULL_EXPIRES_MS = 2000;

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
  /** Undefined when `nats.attemptsBucket` is empty: the attempt is then the delivery count. */
  readonly ledger: AttemptLedger | undefined;
  /** Set when a receive's signal aborted: the pull is stopped, what it fetched is still handed out. */
  paused: boolean;
}

/** A delivery the daemon holds, and what the attempt ledger knew of it (undefined: not read). */
interface Delivery {
  readonly raw: JsMsg;
  readonly known: Known | undefined;
}

/** A delivery to hand back at close. */
interface HandBack extends Delivery {
  /** Whether the ledger already counts it: a parked failed run was recorded as a run. */
  readonly recorded: boolean;
}

/** A keyed delivery held in this process behind a retry of its key (see KeyLanes). */
interface Held extends HandBack {
  readonly key: string;
  readonly sequence: number;
  /** The attempt it is handed out as next. */
  readonly attempt: number;
}

type Next = { readonly message: JsMsg } | { readonly ended: true };

/**
 * Consumes a durable JetStream pull consumer. The client pulls up to `prefetch` messages ahead
 * (`consume()`, which asks for more only as the daemon takes them); ack, nak with a delay,
 * `working()` and term map to the daemon's ack, nack, extend and dead letter; the lease is the
 * consumer's ack_wait. A dead letter is published to the dead-letter subject and confirmed before
 * the original is terminated. A release is a nak recorded first in the attempt ledger, so it
 * spends no attempt (see AttemptLedger). Start-up checks (stream, consumer, dead-letter stream,
 * attempts bucket) are in `preflight.ts`.
 *
 * When a receive's signal aborts (the daemon's poll loop stops at shutdown) the pull stops, so
 * the messages the daemon then hands back are not delivered straight back to it; the next
 * receive starts pulling again.
 *
 * In `keyed` mode a nack is retried in place, as on Kafka: the run is recorded in the attempt
 * ledger, the message stays unacked in this process (its ack_wait kept with `working()`) for its
 * delay, and the key's later messages (the successors the daemon releases behind it, and those
 * that arrive meanwhile) wait behind it in its key's lane (KeyLanes), so a key's order holds
 * across retries. A crash leaves them all unacked on the server, which delivers them again after
 * ack_wait; a close hands them back in order.
 */
export class NatsTransport implements Transport {
  readonly name = 'nats';
  /** The JetStream message behind each delivery, kept off the object handlers see. */
  readonly #deliveries = new WeakMap<TransportMessage, Delivery>();
  /** Receive signals already watched for their abort (the poll loop passes the same one each time). */
  readonly #watched = new WeakSet<AbortSignal>();
  #consuming: Consuming | undefined;
  /** What the start-up check found; kept when the consumer is started again. */
  #checked: Checked | undefined;
  #starting: Promise<Consuming> | undefined;
  /** The iterator's next message, still pending when a receive gave up waiting for it. */
  #pending: Promise<Next> | undefined;
  #closing: Promise<void> | undefined;
  /** The attempt ledger of the latest consumer start (undefined before it, or with no bucket). */
  #ledger: AttemptLedger | undefined;
  readonly #closed = new AbortController();
  readonly #renewals = new LeaseRenewals(() => this.#checked?.ackWaitSeconds ?? 30);
  readonly #lanes = new KeyLanes<Held>();
  /** Ends the receive's current wait early: a lane was parked or is due. */
  #wake: (() => void) | undefined;
  /** When a receive's signal stopped the pull (the daemon stops); undefined while it pulls. */
  #pullStoppedAt: number | undefined;
  /** Releases made after the pull stopped: handed back at close, in order with the lanes. */
  readonly #handBacks: HandBack[] = [];

  constructor(
    private readonly client: NatsClient,
    private readonly settings: NatsConfig,
    private readonly options: NatsTransportOptions,
    private readonly logger: Logger,
  ) {
    // Only with a ledger can a hand-back to the server spend no attempt; without one core's
    // nack(message, 0) is the same, but in keyed mode a successor held in a lane spends nothing.
    if (settings.attemptsBucket !== '' || settings.mode === 'keyed')
      this.release = (message) => this.#release(message);
  }

  /**
   * Hands back a message that never ran: in keyed mode behind a retry of its key it joins that
   * key's lane; otherwise its release is recorded in the attempt ledger (confirmed), then a nak.
   * Present when `nats.attemptsBucket` is set or the mode is keyed.
   */
  readonly release?: (message: TransportMessage) => Promise<void>;

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
    let consuming = await this.#start();
    if (this.client.disconnected) throw this.#disconnected();
    if (!signal.aborted && this.#pullStoppedAt !== undefined) {
      // Pulling again after a stopped receive: what was kept for the close goes back now.
      this.#pullStoppedAt = undefined;
      await this.#handBack(this.#handBacks.splice(0));
    }
    this.#pauseOnAbort(signal);
    const due = this.#takeDue(max);
    const batch: JsMsg[] = [];
    const deadline = performance.now() + this.settings.receiveWaitMs;
    while (due.length + batch.length < max && !signal.aborted && !this.#closed.signal.aborted) {
      const wait = due.length + batch.length > 0 ? 'now' : this.#waitUntil(deadline);
      const next = await this.#next(consuming, signal, wait);
      if (next === undefined) {
        if (wait === 'now' || performance.now() >= deadline) break;
        // Woken, or a lane's time came: hand out what is due, or wait on.
        due.push(...this.#takeDue(max - due.length - batch.length));
        continue;
      }
      if ('ended' in next) {
        this.#consuming = undefined;
        if (due.length + batch.length > 0) break;
        // A pull this transport paused has handed out all it fetched: pull again.
        if (consuming.paused) {
          consuming = await this.#start();
          continue;
        }
        throw new Error('the JetStream consumer stopped delivering; starting it again');
      }
      batch.push(next.message);
    }
    if (due.length + batch.length === 0 && this.client.disconnected) throw this.#disconnected();
    const fresh = await Promise.all(batch.map((raw) => this.#convert(raw, consuming.ledger)));
    // Decided last, with no await after it: a key parked meanwhile holds its new messages back.
    return [...due, ...fresh.filter((message) => !this.#joinLane(message))];
  }

  async ack(message: TransportMessage): Promise<void> {
    const delivery = this.#finish(message);
    delivery.raw.ack();
    await this.#forget(delivery);
  }

  /**
   * Redelivered by the server after the delay as the next attempt; the run is recorded in the
   * attempt ledger first (see AttemptLedger), so the count holds when the server's does not.
   */
  async nack(message: TransportMessage, delaySeconds: number): Promise<void> {
    const millis = Math.max(0, Math.round(delaySeconds * 1000));
    const { raw, known } = this.#finish(message);
    const recorded = await this.#record(raw, known, 'run');
    const key = this.#laneKey(message);
    if (key !== undefined) {
      const held = { raw, known: recorded ?? known, key, sequence: raw.info.streamSequence };
      this.#lanes.park({ ...held, attempt: message.attempt + 1, recorded: true }, millis, performance.now());
      this.#keepHeld(raw);
      this.#wake?.();
      // A receive that checked the lanes just before this park may be handing the key's next
      // message to the daemon in this same turn: let it arrive first, so the daemon's key-order
      // guard, told of this nack when it returns, releases that message behind the retry.
      await new Promise((resolve) => setImmediate(resolve));
      return;
    }
    if (millis === 0) raw.nak();
    else raw.nak(millis);
  }

  async #release(message: TransportMessage): Promise<void> {
    const { raw, known } = this.#finish(message);
    const key = this.#laneKey(message);
    const held = { raw, known, attempt: message.attempt, recorded: false };
    if (key !== undefined && this.#lanes.hold({ ...held, key, sequence: raw.info.streamSequence })) {
      this.#keepHeld(raw);
      return;
    }
    if (this.#pullStoppedAt !== undefined && !this.#closed.signal.aborted) {
      this.#handBacks.push({ raw, known, recorded: false });
      this.#keepHeld(raw);
      return;
    }
    await this.#record(raw, known, 'release');
    raw.nak();
  }

  /** The lane a keyed delivery retries in (its ordering key); none in other modes or once closing. */
  #laneKey(message: TransportMessage): string | undefined {
    if (this.settings.mode !== 'keyed' || this.#closed.signal.aborted) return undefined;
    return message.orderingKey;
  }

  /** A delivery held in a lane keeps its ack_wait (`working()`) until it is handed out again. */
  #keepHeld(raw: JsMsg): void {
    try {
      this.#renewals.extend(raw, Number.POSITIVE_INFINITY);
    } catch {
      // Disconnected: the server delivers it again after ack_wait; the lane takes the new delivery.
    }
  }

  /** A new delivery of a key that has a lane joins it instead of running; true when it did. */
  #joinLane(message: TransportMessage): boolean {
    const key = this.#laneKey(message);
    if (key === undefined || !this.#lanes.has(key)) return false;
    const { raw, known } = this.#delivery(message);
    const held = { raw, known, key, sequence: raw.info.streamSequence };
    this.#lanes.hold({ ...held, attempt: message.attempt, recorded: false });
    this.#keepHeld(raw);
    return true;
  }

  /** The lanes that are due, as deliveries again, each with its ack_wait restarted. */
  #takeDue(max: number): TransportMessage[] {
    return this.#lanes.take(max, performance.now()).map(({ raw, known, attempt }) => {
      this.#renewals.stop(raw);
      try {
        raw.working();
      } catch {
        // Disconnected: the ack that follows fails too, and the server delivers it again.
      }
      const message = toTransportMessage(raw, this.settings.mode, attempt);
      this.#deliveries.set(message, { raw, known });
      return message;
    });
  }

  /** How long a receive may wait: until its deadline, or sooner when a lane is due (at least 1 ms). */
  #waitUntil(deadline: number): number {
    const dueAt = this.#lanes.nextDueAt() ?? deadline;
    return Math.max(1, Math.min(deadline, dueAt) - performance.now());
  }

  /**
   * `working()` restarts the message's ack_wait; for longer than the ack_wait it is repeated until
   * `seconds` have passed (see LeaseRenewals).
   */
  async extend(message: TransportMessage, seconds: number): Promise<void> {
    this.#renewals.extend(this.#delivery(message).raw, seconds);
  }

  /** Publishes the copy, waits for its PubAck, then terminates the original (never redelivered). */
  async deadLetter(message: TransportMessage, details: DeadLetterDetails): Promise<DeadLetterResult | void> {
    const consuming = await this.#start();
    const delivery = this.#delivery(message);
    const result = await consuming.deadLetters.send(delivery.raw, details);
    this.#renewals.stop(delivery.raw);
    // No reason text: servers before 2.10.4 ignore a "+TERM <reason>" and would redeliver.
    delivery.raw.term();
    await this.#forget(delivery);
    return result;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed.abort();
    const consuming = this.#consuming ?? (await this.#starting?.catch(() => undefined));
    let fetched: JsMsg[] = [];
    if (consuming !== undefined) {
      consuming.messages.stop();
      this.#pullStoppedAt ??= performance.now();
      fetched = await this.#takeFetched(consuming);
    }
    const released = await this.#handBackAll(fetched);
    this.#renewals.clear();
    if (released > 0) this.logger.info({ released }, 'handed back messages that did not run (yet)');
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

  /** What the client pulled ahead but the daemon never took (the iterator ends after them). */
  async #takeFetched(consuming: Consuming): Promise<JsMsg[]> {
    const fetched: JsMsg[] = [];
    const deadline = performance.now() + CLOSE_RELEASE_WAIT_MS;
    const never = new AbortController().signal;
    while (performance.now() < deadline) {
      const next = await this.#next(consuming, never, Math.max(1, deadline - performance.now()));
      if (next === undefined || 'ended' in next) break;
      fetched.push(next.message);
    }
    return fetched;
  }

  /**
   * Hands back, in stream order (so each key's order holds), what the lanes hold, what was
   * released after the pull stopped and what was fetched ahead: a nak each, with no delay (a
   * retry's remaining delay would let its successors overtake it), after the releases of those
   * not yet recorded (a parked failed run was recorded as a run). It first waits for the stopped
   * pull requests to expire on the server (PULL_EXPIRES_MS after the pull stopped).
   */
  async #handBackAll(fetched: readonly JsMsg[]): Promise<number> {
    const retries = this.#lanes.drain();
    const ahead = fetched.map((raw) => ({
      raw,
      known: raw.info.deliveryCount === 1 ? FIRST : undefined,
      recorded: false,
    }));
    const all: HandBack[] = [...retries, ...this.#handBacks.splice(0), ...ahead];
    all.sort((a, b) => a.raw.info.streamSequence - b.raw.info.streamSequence);
    const waitMs = (this.#pullStoppedAt ?? performance.now()) + PULL_EXPIRES_MS - performance.now();
    if (all.length > 0 && waitMs > 0) {
      for (const { raw } of ahead) this.#keepHeld(raw);
      this.logger.debug({ waitMs: Math.round(waitMs) }, 'waiting for the stopped pull to expire');
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    await this.#handBack(all);
    return all.length;
  }

  /** Naks each, in the given order, after recording the releases the ledger does not count yet. */
  async #handBack(deliveries: readonly HandBack[]): Promise<void> {
    const unrecorded = deliveries.filter(({ recorded }) => !recorded);
    await Promise.all(unrecorded.map(({ raw, known }) => this.#record(raw, known, 'release')));
    for (const { raw } of deliveries) {
      this.#renewals.stop(raw);
      raw.nak();
    }
  }

  /**
   * Records a run or a release before its nak. A failure is logged and the nak goes ahead: the
   * message is never held back, it then spends one attempt more than it ran.
   */
  async #record(
    raw: JsMsg,
    known: Known | undefined,
    what: 'run' | 'release',
    ledger = this.#ledger,
  ): Promise<Known | undefined> {
    if (ledger === undefined) return undefined;
    try {
      return await ledger.record(raw, known, what);
    } catch (error) {
      this.logger.warn(
        { err: error, messageId: `${raw.info.stream}/${raw.info.streamSequence}`, what },
        `could not record the ${what} in the attempts bucket; the message counts one attempt more`,
      );
      return undefined;
    }
  }

  /** Removes a finished message's ledger entry; one left behind only waits for the bucket's max age. */
  async #forget({ raw, known }: Delivery): Promise<void> {
    const ledger = this.#ledger;
    if (ledger === undefined || known === undefined) return;
    try {
      await ledger.forget(raw, known);
    } catch (error) {
      this.logger.debug({ err: error }, 'could not remove the attempt ledger entry; it expires');
    }
  }

  /** Stops the pull when `signal` aborts (once per signal), so handed-back messages stay on the server. */
  #pauseOnAbort(signal: AbortSignal): void {
    if (this.#watched.has(signal)) return;
    this.#watched.add(signal);
    signal.addEventListener(
      'abort',
      () => {
        this.#pullStoppedAt ??= performance.now();
        const consuming = this.#consuming;
        if (consuming === undefined || consuming.paused) return;
        consuming.paused = true;
        consuming.messages.stop();
      },
      { once: true },
    );
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
      this.#wake = onAbort;
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
      if (this.#wake === onAbort) this.#wake = undefined;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort!);
      this.#closed.signal.removeEventListener('abort', onAbort!);
    }
  }

  /**
   * The delivery as core sees it. A first delivery is attempt 1 without a look at the ledger (the
   * common path costs a set lookup); a redelivery reads its entry (see AttemptLedger.mustRead). A
   * ledger that cannot be read leaves the delivery count as the attempt.
   */
  async #convert(raw: JsMsg, ledger: AttemptLedger | undefined): Promise<TransportMessage> {
    let known: Known | undefined = ledger === undefined ? undefined : FIRST;
    if (ledger?.mustRead(raw) === true)
      known = await ledger.read(raw).catch((error: unknown) => {
        this.logger.warn(
          { err: error, messageId: `${raw.info.stream}/${raw.info.streamSequence}` },
          'could not read the attempts bucket; the attempt is the delivery count',
        );
        return undefined;
      });
    const attempt = known === undefined ? raw.info.deliveryCount : AttemptLedger.attempt(raw, known);
    const message = toTransportMessage(raw, this.settings.mode, attempt);
    this.#deliveries.set(message, { raw, known });
    return message;
  }

  /** The message's JetStream delivery, its lease renewals stopped: it is being acked or nacked. */
  #finish(message: TransportMessage): Delivery {
    const delivery = this.#delivery(message);
    this.#renewals.stop(delivery.raw);
    return delivery;
  }

  #delivery(message: TransportMessage): Delivery {
    const delivery = this.#deliveries.get(message);
    if (delivery === undefined)
      throw new Error(`message ${message.id} was not received by this NATS transport`);
    return delivery;
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
    let jsm: Promise<JetStreamManager> | undefined;
    const client = (): JetStreamClient => (js ??= jetstream(connection));
    const manager = (): Promise<JetStreamManager> => (jsm ??= client().jetstreamManager());
    const consumer = await client().consumers.get(stream, durable);
    const ledger =
      this.settings.attemptsBucket === ''
        ? undefined
        : new AttemptLedger(
            client,
            manager,
            this.settings.attemptsBucket,
            checked.consumerCreated,
            this.settings.publishTimeoutMs,
          );
    await ledger?.load(stream, durable);
    // Kept apart from the consumer: a message is acked or handed back after its pull has ended.
    this.#ledger = ledger;
    const messages = await consumer.consume({ max_messages: prefetch, expires: PULL_EXPIRES_MS });
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
      ledger,
      paused: false,
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
