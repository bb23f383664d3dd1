import { randomUUID } from 'node:crypto';
import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { headers as natsHeaders, RequestError, type NatsConnection } from '@nats-io/transport-node';
import type { createLogger } from '@switchyard/core';
import { lookUp, MEDIA_TYPE_HEADER, NatsConfig, NatsTransport, type NatsClient } from '@switchyard/nats';
import { rpcErrorReply } from '../../bus/RpcReply.js';
import { RpcErrorCodes, rpcError } from '../../errors.js';
import { wireAddresses } from '../../wire/addresses.js';
import { RpcRequest } from '../../wire/RpcRequest.js';
import type { Inbox, Lane, OutgoingCall, RpcWire, Served } from '../../wire/RpcWire.js';
import { CoreCallLane } from './CoreCallLane.js';
import { answerWhoServes, apiGroup, servedSubject, type ServedAnswer } from './whoServes.js';
import {
  ensureDurable,
  ensureStreams,
  EVENTS_STREAM,
  natsDeadLetterSubject,
  RPC_STREAM,
  type DurableSpec,
} from './streams.js';

/** How long "this API is served" is believed before the broker is asked again. */
export const SERVED_TTL_MS = 5000;
/** What every inbox subject starts with (`_INBOX.switchyard.<clientId>`). */
const INBOX_PREFIX = wireAddresses.nats.replies('');
const DEADLINE_HEADER = 'x-switchyard-deadline';
const addresses = wireAddresses.nats;
/** How long a client waits for a daemon to say it serves an API (then: nobody does). */
const SERVED_ASK_TIMEOUT_MS = 2000;

/** Where an API's calls travel over core NATS (outside the SWITCHYARD_RPC stream's `rpc.>`). */
export function coreCallSubject(api: string): string {
  return addresses.requests(api);
}

/** Where an API's calls are stored with `rpc.natsDurableCalls`: a subject of SWITCHYARD_RPC. */
export function durableCallSubject(api: string): string {
  return `rpc.${api}`;
}

/** How an API's calls travel: over core NATS, or stored in the SWITCHYARD_RPC work queue. */
type CallPath = 'core' | 'durable';
type ServedVia = { readonly served: false } | (Served & { readonly served: true; readonly path: CallPath });
/** A "served" answer believed until `until`; `path` once it is known to be a yes. */
interface ServedEntry {
  readonly until: number;
  readonly answer: Promise<ServedVia>;
  path: CallPath | undefined;
}

export type Logger = ReturnType<typeof createLogger>;

export interface NatsWireParts {
  /** The connection, shared with the daemon's transport and producer on a daemon. */
  readonly client: NatsClient;
  /**
   * Settings the lanes inherit (servers, timeouts, ack_wait, max_ack_pending, receive wait); their
   * stream, subject, durable, mode and dead-letter subject are the wire's own.
   */
  readonly settings: NatsConfig;
  /** `consumer.maxAttempts` and `consumer.concurrency` of the daemon whose lanes these are. */
  readonly maxAttempts: number;
  readonly concurrency: number;
  readonly logger: Logger;
  /** `rpc.natsDurableCalls` of a serving daemon (clients learn the path from the daemon). */
  readonly durableCalls?: boolean;
  /** `rpc.natsMaxWaitingCalls` (0: 16 × concurrency). */
  readonly maxWaitingCalls?: number;
}

/**
 * RPC and events on NATS (see docs/rpc.md, "On NATS"). Calls travel over core NATS to
 * `switchyard.rpc.<api>`, where the API's daemons share a queue group (CoreCallLane); with
 * `rpc.natsDurableCalls` they are published, confirmed, to `rpc.<api>` on the work-queue stream
 * SWITCHYARD_RPC instead and consumed by the durable `rpc-<api>`. A client asks
 * `switchyard.served.<api>` which path and methods the API's daemons use. Replies go over core NATS
 * to the client's inbox subject `_INBOX.switchyard.<clientId>` (a client that has gone shows as "no
 * responders", logged); events go to `event.<api>.<event>` on SWITCHYARD_EVENTS, one durable per
 * listener name. Each lane is a Transport, so acks, retries, dead letters and shutdown are the
 * daemon's own.
 */
export class NatsWire implements RpcWire {
  readonly name = 'nats';
  readonly #parts: NatsWireParts;
  readonly #release: () => Promise<void>;
  readonly #served = new Map<string, ServedEntry>();
  #ready: Promise<{ connection: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> | undefined;
  /** The connection once `#ready` has it: the per-call paths publish without awaiting it again. */
  #connection: NatsConnection | undefined;
  #streams: Promise<void> | undefined;
  readonly #inboxes = new Set<Inbox>();
  /** Each open inbox's number (by address) and reply handler: where a bounced core call is answered. */
  readonly #inboxNumbers = new Map<string, number>();
  readonly #inboxReplies = new Map<number, (body: string) => void>();
  #inboxCount = 0;
  #bounce: string | undefined;
  #callBounces: string | undefined;

  constructor(parts: NatsWireParts) {
    this.#parts = parts;
    this.#release = parts.client.use();
  }

  requestAddress(api: string): string {
    return this.#parts.durableCalls === true ? durableCallSubject(api) : coreCallSubject(api);
  }

  /**
   * A daemon of the API answers on servedSubject (with its methods and call path), or, with none
   * running, the API's durable exists (durable calls wait in it while its daemons restart). A yes
   * is cached for SERVED_TTL_MS.
   */
  served(api: string): Promise<ServedVia> {
    const cached = this.#served.get(api);
    if (cached !== undefined && cached.until > Date.now()) return cached.answer;
    return this.#learn(api);
  }

  async #learn(api: string): Promise<ServedVia> {
    const answer = this.#ask(api);
    const entry: ServedEntry = { until: Date.now() + SERVED_TTL_MS, answer, path: undefined };
    this.#served.set(api, entry);
    // Only a yes is kept: an API that starts being served is callable at once.
    const found = await answer.catch((error: unknown) => {
      this.#served.delete(api);
      throw error;
    });
    if (!found.served) this.#served.delete(api);
    else entry.path = found.path;
    return found;
  }

  async #ask(api: string): Promise<ServedVia> {
    const { connection, jsm } = await this.#connect();
    try {
      const reply = await connection.request(servedSubject(api), '', { timeout: SERVED_ASK_TIMEOUT_MS });
      const answer = reply.json<ServedAnswer>();
      return {
        served: true,
        methods: new Set(answer.methods),
        path: answer.durable === true ? 'durable' : 'core',
      };
    } catch (error) {
      if (!isNoResponders(error) && !isTimeout(error)) throw error;
    }
    const durable = await lookUp(() => jsm.consumers.info(RPC_STREAM, durableOf(api)));
    return durable === undefined ? { served: false } : { served: true, path: 'durable' };
  }

  /**
   * Over core NATS when the API's daemons take calls there: published, not confirmed (nothing
   * stores it; a call lost with its daemon ends in the caller's timeout, or an idempotent resend).
   * Else to the SWITCHYARD_RPC stream, confirmed.
   */
  sendCall(api: string, call: OutgoingCall): Promise<void> {
    const known = this.#served.get(api);
    const connection = this.#connection;
    // The bus has just asked `served`, so the path is known: a core call is one publish, no await.
    if (known?.path === 'core' && known.until > Date.now() && connection !== undefined) {
      try {
        this.#sendCore(connection, api, call);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return Promise.resolve();
    }
    return this.#sendCall(api, call);
  }

  async #sendCall(api: string, call: OutgoingCall): Promise<void> {
    const path = await this.#pathOf(api);
    if (path === 'core') {
      const { connection } = await this.#connect();
      this.#sendCore(connection, api, call);
      return;
    }
    const headers = natsHeaders();
    headers.set(DEADLINE_HEADER, String(call.deadline));
    headers.set(MEDIA_TYPE_HEADER, RpcRequest.mediaType);
    const { js } = await this.#connect();
    try {
      // No Nats-Msg-Id: the bus sends an idempotent call again on purpose, and each copy must
      // reach the server (which runs the call once, by its idempotency key).
      await js.publish(durableCallSubject(api), call.body, {
        headers,
        timeout: this.#parts.settings.publishTimeoutMs,
      });
    } catch (error) {
      if (isNoResponders(error))
        throw rpcError(
          RpcErrorCodes.API_UNKNOWN,
          `${api}: no JetStream stream takes ${durableCallSubject(api)} on ${this.#parts.settings.servers}: no daemon serves the ${api} API on NATS`,
        );
      throw error;
    }
  }

  /**
   * A core call: published, not confirmed, and without headers. The envelope carries the deadline
   * and names its media type, and headers cost an encoding here and a parse on every delivery (a
   * stored call keeps both as headers for other readers).
   */
  #sendCore(connection: NatsConnection, api: string, call: OutgoingCall): void {
    connection.publish(coreCallSubject(api), utf8(call.body), {
      reply: this.#callBounce(connection, api, call),
    });
  }

  /** The path the API's daemons take calls on; 'durable' when nobody is known to (the stream decides). */
  async #pathOf(api: string): Promise<CallPath> {
    const served = await this.served(api).catch(() => undefined);
    return served?.served === true ? served.path : 'durable';
  }

  async openInbox(clientId: string, onReply: (body: string) => void): Promise<Inbox> {
    const { connection } = await this.#connect();
    const address = addresses.replies(clientId);
    const subscription = connection.subscribe(address, {
      callback: (error, message) => {
        if (error !== null) return;
        onReply(message.string());
      },
    });
    // The server knows the subscription before a call names it.
    await connection.flush();
    const number = ++this.#inboxCount;
    this.#inboxNumbers.set(address, number);
    this.#inboxReplies.set(number, onReply);
    const inbox: Inbox = {
      address,
      close: async () => {
        if (!this.#inboxes.delete(inbox)) return;
        this.#inboxNumbers.delete(address);
        this.#inboxReplies.delete(number);
        subscription.unsubscribe();
        // Waits until the server has dropped the subscription: from then on a reply sent from any
        // connection finds no responder (without it, one sent in between would wait for nothing).
        await connection.flush().catch(() => undefined);
      },
    };
    this.#inboxes.add(inbox);
    return inbox;
  }

  /**
   * A plain publish, with the wire's bounce subject as its reply-to: the reply costs no round trip,
   * and when the inbox has no subscriber (the client has gone) the server answers the bounce
   * subject with "no responders", which the wire logs. So it resolves true once the reply left;
   * false only when it could not be sent. Never throws: a failed reply must not make the daemon run
   * the call again.
   */
  sendReply(address: string, body: string): Promise<boolean> {
    const connection = this.#connection;
    if (connection === undefined)
      return this.#connect().then(
        () => this.sendReply(address, body),
        (error: unknown) => this.#replyFailed(address, error),
      );
    try {
      const bounce = this.#bounceSubject(connection);
      connection.publish(address, utf8(body), { reply: `${bounce}.${address.slice(INBOX_PREFIX.length)}` });
      return Promise.resolve(true);
    } catch (error) {
      return Promise.resolve(this.#replyFailed(address, error));
    }
  }

  #replyFailed(address: string, error: unknown): false {
    this.#parts.logger.warn({ err: error, replyTo: address }, `could not send the reply to ${address}`);
    return false;
  }

  /**
   * The reply subject of a core call: `<bounce>.<api>.<inbox number>.<correlationId>`. A call no daemon
   * takes (the API's last daemon stopped since it was seen) makes the server answer there with "no
   * responders": the wire then forgets that the API is served and answers the call in its inbox with
   * API_UNKNOWN, at once. Undefined for a call whose inbox is not one of this wire's.
   */
  #callBounce(connection: NatsConnection, api: string, call: OutgoingCall): string | undefined {
    const inbox = call.replyTo === undefined ? undefined : this.#inboxNumbers.get(call.replyTo);
    if (inbox === undefined) return undefined;
    if (this.#callBounces === undefined) {
      // Short: every call carries it (the uuid's first 8 hex digits are unique enough per connection).
      const prefix = `_INBOX.sy-calls.${randomUUID().slice(0, 8)}`;
      connection.subscribe(`${prefix}.>`, {
        callback: (error, message) => {
          if (error !== null || message.headers?.code !== 503) return;
          const [bouncedApi = '', bouncedInbox = '', correlationId = ''] = message.subject
            .slice(prefix.length + 1)
            .split('.');
          this.#served.delete(bouncedApi);
          const text = `${bouncedApi}: no daemon took the call on ${coreCallSubject(bouncedApi)} (the API's daemons have stopped)`;
          this.#inboxReplies.get(Number(bouncedInbox))?.(
            rpcErrorReply(correlationId, RpcErrorCodes.API_UNKNOWN, text),
          );
        },
      });
      this.#callBounces = prefix;
    }
    return `${this.#callBounces}.${api}.${inbox}.${call.correlationId}`;
  }

  /** Subscribes once to `<bounce>.*`, where the server says which replies found no inbox. */
  #bounceSubject(connection: NatsConnection): string {
    if (this.#bounce !== undefined) return this.#bounce;
    const bounce = `_INBOX.sy-replies.${randomUUID().slice(0, 8)}`;
    connection.subscribe(`${bounce}.*`, {
      callback: (error, message) => {
        if (error !== null || message.headers?.code !== 503) return;
        const replyTo = `${INBOX_PREFIX}${message.subject.slice(bounce.length + 1)}`;
        this.#parts.logger.warn({ replyTo }, `the caller has gone (no inbox ${replyTo}); reply dropped`);
      },
    });
    this.#bounce = bounce;
    return bounce;
  }

  /**
   * Core calls: a CoreCallLane on the API's queue group, answering "who serves" itself. Durable
   * calls: the API's durable on SWITCHYARD_RPC (kept: calls made while the API's daemons restart
   * wait in it), and a responder saying so.
   */
  async serve(api: string, methods: readonly string[]): Promise<Lane & { withdraw(): Promise<void> }> {
    const { connection, js } = await this.#connect();
    await this.#ensureStreams();
    const { settings, client, concurrency, logger, durableCalls, maxWaitingCalls } = this.#parts;
    if (durableCalls !== true) {
      const lane = new CoreCallLane({
        connection,
        js,
        api,
        subject: coreCallSubject(api),
        methods,
        deadLetterSubject: natsDeadLetterSubject(coreCallSubject(api)),
        maxWaiting: maxWaitingCalls || 16 * concurrency,
        publishTimeoutMs: settings.publishTimeoutMs,
        logger: logger.child({ lane: coreCallSubject(api) }),
        releaseClient: client.use(),
      });
      await lane.start();
      return { address: coreCallSubject(api), transport: lane, withdraw: async () => lane.withdraw() };
    }
    const address = durableCallSubject(api);
    const lane = await this.#lane(address, {
      stream: RPC_STREAM,
      durable: durableOf(api),
      filterSubject: address,
      deliverPolicy: DeliverPolicy.All,
    });
    const responder = answerWhoServes(connection, api, { methods, durable: true });
    await connection.flush();
    // The durable stays: calls made while this API's daemons restart wait in it.
    return { ...lane, withdraw: async () => responder.unsubscribe() };
  }

  async publishEvent(api: string, event: string, body: string, mediaType: string): Promise<void> {
    const { js } = await this.#connect();
    await this.#ensureStreams();
    const headers = natsHeaders();
    headers.set(MEDIA_TYPE_HEADER, mediaType);
    await js.publish(addresses.events(api, event), body, {
      headers,
      timeout: this.#parts.settings.publishTimeoutMs,
    });
  }

  async listen(api: string, event: string, listenerName: string): Promise<Lane> {
    const durable = addresses.listener(api, event, listenerName);
    return this.#lane(durable, {
      stream: EVENTS_STREAM,
      durable,
      filterSubject: addresses.events(api, event),
      // A new listener hears events from now on, as on the other buses; once created it keeps its place.
      deliverPolicy: DeliverPolicy.New,
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#inboxes].map((inbox) => inbox.close()));
    await this.#release();
  }

  /** Creates the durable, then a started NatsTransport on it (its start-up check runs now). */
  async #lane(address: string, spec: Omit<DurableSpec, 'ackWaitSeconds' | 'maxAckPending'>): Promise<Lane> {
    const { jsm } = await this.#connect();
    await this.#ensureStreams();
    const { settings, client, maxAttempts, concurrency, logger } = this.#parts;
    await ensureDurable(jsm, {
      ...spec,
      ackWaitSeconds: settings.ackWaitSeconds,
      maxAckPending: settings.maxAckPending,
    });
    const laneSettings = Object.assign(new NatsConfig(), settings, {
      stream: spec.stream,
      subject: spec.filterSubject,
      durable: spec.durable,
      // Calls and events need no order; keyed mode would run one subject's messages one at a time.
      mode: 'unordered',
      createStream: false,
      createConsumer: false,
      deadLetterSubject: natsDeadLetterSubject(address),
      deadLetterStream: '',
    } satisfies Partial<NatsConfig>);
    const transport = new NatsTransport(
      client,
      laneSettings,
      {
        durable: spec.durable,
        maxAttempts,
        prefetch: Math.min(concurrency, 1024),
        releaseClient: client.use(),
      },
      logger.child({ lane: address }),
    );
    try {
      await transport.start();
    } catch (error) {
      await transport.close();
      throw error;
    }
    return { address, transport };
  }

  #connect(): Promise<{ connection: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> {
    this.#ready ??= (async () => {
      const connection = await this.#parts.client.connection();
      const ready = { connection, js: jetstream(connection), jsm: await jetstreamManager(connection) };
      this.#connection = connection;
      return ready;
    })().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  #ensureStreams(): Promise<void> {
    this.#streams ??= this.#connect()
      .then(({ jsm }) => ensureStreams(jsm))
      .catch((error: unknown) => {
        this.#streams = undefined;
        throw error;
      });
    return this.#streams;
  }
}

/**
 * The text as UTF-8 bytes for a per-call publish. Buffer.from, not the client's own TextEncoder
 * (which it uses for a string): for a 250-byte call 0.15 µs against 0.75 µs on Node 24, as
 * TextEncoder allocates a new ArrayBuffer each time and Buffer.from takes a slice of its pool.
 */
function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** The durable that an API's daemons share. */
export function durableOf(api: string): string {
  return apiGroup(api);
}

/** A request nobody answered in time (nats-core's TimeoutError, itself or as a RequestError's cause). */
function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  const cause = (error as { cause?: { name?: string } } | undefined)?.cause?.name ?? '';
  return /Timeout/.test(name) || /Timeout/.test(cause);
}

function isNoResponders(error: unknown): boolean {
  if (error instanceof RequestError && error.isNoResponders()) return true;
  const name = (error as { name?: string } | undefined)?.name ?? '';
  const cause = (error as { cause?: { name?: string } } | undefined)?.cause?.name ?? '';
  return /NoResponders/.test(name) || /NoResponders/.test(cause);
}
