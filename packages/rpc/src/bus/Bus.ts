import { randomBytes, randomUUID } from 'node:crypto';
import { schemaMediaType } from '@switchyard/core';
import { ApiCodec } from '../api/ApiCodec.js';
import type { ApiClient, CallOptions, EventClient, EventListener, ListenOptions } from '../api/ApiClient.js';
import type { ApiClass } from '../api/decorators.js';
import { RemoteError, RpcErrorCodes, RpcTimeoutError, rpcError } from '../errors.js';
import type { Inbox, RpcWire } from '../wire/RpcWire.js';
import { callScope } from './callScope.js';
import type { LaneHost } from './LaneHost.js';
import { parseReply, type RpcReply } from './RpcReply.js';

export const DEFAULT_DEADLINE_MS = 5000;
const LISTENER_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export interface BusOptions {
  readonly wire: RpcWire;
  /** Deadline of a call that names none (default 5000 ms). */
  readonly defaultDeadlineMs?: number;
  /** APIs this bus serves, so it may fire their events (a daemon's `apis`). */
  readonly serves?: readonly ApiClass[];
  /** Set on a daemon's bus: where listeners run. */
  readonly lanes?: LaneHost;
  /**
   * How often a call of an idempotent method is sent again while no reply has come (default 1000
   * ms), until its deadline; the server runs it once whatever the number of copies.
   */
  readonly resendIntervalMs?: number;
}

export const DEFAULT_RESEND_INTERVAL_MS = 1000;

/** Buses made by createBus: they close their wire (a daemon's bus leaves that to the daemon). */
const wireOwners = new WeakSet<Bus>();

interface Pending {
  /** The reply, or the error the call ends with (timeout, bus closed): resolved, never rejected. */
  settle(answer: RpcReply | Error): void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One client's view of the bus: typed clients of APIs (`bus.api(ExampleApi).helloWorld(…)`), one
 * reply channel for all its calls, matched by correlation id, and a deadline on every call.
 */
export class Bus {
  readonly #wire: RpcWire;
  readonly #defaultDeadlineMs: number;
  readonly #serves: ReadonlySet<ApiClass>;
  readonly #lanes: LaneHost | undefined;
  readonly #resendIntervalMs: number;
  readonly #pending = new Map<string, Pending>();
  readonly #clients = new Map<ApiClass, object>();
  readonly #listeners = new Set<string>();
  #inbox: Inbox | undefined;
  #replyTo = '';
  /**
   * Correlation ids are this bus's random prefix (64 bits, 16 hex digits) and a counter: unique
   * across clients (they are the default idempotency key of an idempotent call), and short, since
   * each is parsed in every call's and reply's subject line on NATS.
   */
  readonly #idPrefix = `${randomBytes(8).toString('hex')}-`;
  #sequence = 0;
  #closed = false;

  /** Opens a bus: its reply channel exists before the first call. */
  static async open(options: BusOptions): Promise<Bus> {
    const bus = new Bus(options);
    await bus.#openInbox();
    return bus;
  }

  /** Use `Bus.open` (or `createBus`): a bus is usable once its reply channel is open. */
  constructor(options: BusOptions) {
    this.#wire = options.wire;
    this.#defaultDeadlineMs = positiveMs(
      options.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS,
      'defaultDeadlineMs',
    );
    this.#serves = new Set(options.serves ?? []);
    this.#lanes = options.lanes;
    this.#resendIntervalMs = positiveMs(
      options.resendIntervalMs ?? DEFAULT_RESEND_INTERVAL_MS,
      'resendIntervalMs',
    );
  }

  async #openInbox(): Promise<void> {
    this.#inbox = await this.#wire.openInbox(randomUUID(), (body) => this.#onReply(body));
    this.#replyTo = this.#inbox.address;
  }

  /** The typed client of an `@api` class. */
  api<T extends object>(apiClass: ApiClass<T>): ApiClient<T> {
    let client = this.#clients.get(apiClass);
    if (client === undefined) {
      client = this.#client(apiClass);
      this.#clients.set(apiClass, client);
    }
    return client as ApiClient<T>;
  }

  /** Rejects every call still waiting and closes the reply channel (and the wire, for a bus of createBus). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.settle(rpcError(RpcErrorCodes.BUS_CLOSED, 'the bus was closed before the reply arrived'));
      this.#pending.delete(id);
    }
    await this.#inbox?.close();
    if (wireOwners.has(this)) await this.#wire.close();
  }

  async call(
    apiClass: ApiClass,
    methodName: string,
    params: object,
    options: CallOptions = {},
  ): Promise<unknown> {
    if (this.#closed) throw rpcError(RpcErrorCodes.BUS_CLOSED, 'the bus is closed');
    if (this.#inbox === undefined)
      throw rpcError(RpcErrorCodes.USAGE, 'open the bus with createBus or Bus.open before calling');
    const codec = ApiCodec.of(apiClass);
    const method = codec.method(methodName);
    const served = await this.#wire.served(codec.name);
    if (!served.served)
      throw rpcError(
        RpcErrorCodes.API_UNKNOWN,
        `${codec.name}.${method.name}: no daemon serves the ${codec.name} API on the ${this.#wire.name} bus`,
      );
    if (served.methods !== undefined && !served.methods.has(method.name))
      throw rpcError(
        RpcErrorCodes.METHOD_UNKNOWN,
        `${codec.name}.${method.name}: the daemon serving ${codec.name} has no method ${method.name} (it serves: ${[...served.methods].join(', ')}); deploy the same API version on both sides`,
      );
    const now = Date.now();
    const own = now + positiveMs(options.deadlineMs ?? this.#defaultDeadlineMs, 'deadlineMs');
    const deadline = Math.min(own, callScope.getStore()?.deadline ?? Infinity);
    // A nested call whose parent's time is up is not sent: nobody would wait for its reply.
    if (deadline <= now) throw new RpcTimeoutError(codec.name, method.name, 0);
    const encoded = codec.encodeParams(method, params);
    const plain = encoded instanceof Promise ? await encoded : encoded;
    const correlationId = `${this.#idPrefix}${(++this.#sequence).toString(36)}`;
    const idempotencyKey = method.idempotent ? (options.idempotencyKey ?? correlationId) : undefined;
    const body = codec.encodeRequest({
      api: codec.name,
      method: method.name,
      correlationId,
      replyTo: this.#replyTo,
      deadline,
      params: plain,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    // Settled with an Error rather than rejected: the deadline may pass while the send still waits
    // (a broker outage), and a rejection nobody awaits yet would be unhandled.
    const reply = new Promise<RpcReply | Error>((settle) => {
      const timer = setTimeout(() => {
        this.#pending.delete(correlationId);
        settle(new RpcTimeoutError(codec.name, method.name, deadline - now));
      }, deadline - now);
      this.#pending.set(correlationId, { settle, timer });
    });
    const call = { body, correlationId, deadline, replyTo: this.#replyTo };
    try {
      await this.#wire.sendCall(codec.name, call);
    } catch (error) {
      const pending = this.#pending.get(correlationId);
      if (pending !== undefined) clearTimeout(pending.timer);
      this.#pending.delete(correlationId);
      throw error;
    }
    // An idempotent call is sent again until it is answered: a copy lost with a crashed server, or
    // stuck behind a dead consumer, is answered by another; the server runs the key once.
    const resend =
      idempotencyKey === undefined
        ? undefined
        : setInterval(() => {
            this.#wire.sendCall(codec.name, call).catch(() => undefined);
          }, this.#resendIntervalMs);
    const answer = await reply;
    clearInterval(resend);
    if (answer instanceof Error) throw answer;
    if (answer.error !== undefined) throw new RemoteError(codec.name, method.name, answer.error);
    return codec.decodeResult(method, answer.result);
  }

  async fire(apiClass: ApiClass, event: string, payload: object): Promise<void> {
    const codec = ApiCodec.of(apiClass);
    if (!this.#serves.has(apiClass))
      throw rpcError(
        RpcErrorCodes.EVENT_NOT_OWNED,
        `cannot fire ${codec.name}.${event}: only a daemon that lists ${codec.metadata.className} in its apis fires its events`,
      );
    const { mediaType, body } = await codec.encodeEvent(event, payload);
    await this.#wire.publishEvent(codec.name, event, body, mediaType);
  }

  async listen(
    apiClass: ApiClass,
    event: string,
    listener: EventListener<never>,
    options: ListenOptions,
  ): Promise<void> {
    const codec = ApiCodec.of(apiClass);
    const metadata = codec.metadata.events.get(event);
    const where = `${codec.name}.${event}`;
    if (metadata === undefined)
      throw rpcError(
        RpcErrorCodes.USAGE,
        `${codec.metadata.className}.${event} is not an @event of the ${codec.name} API`,
      );
    if (this.#lanes === undefined)
      throw rpcError(
        RpcErrorCodes.USAGE,
        `cannot listen to ${where} here: listeners run in a daemon's pipeline; call listen on an ApiDaemon's bus (this.bus in onReady)`,
      );
    const listenerName = options?.listenerName;
    if (typeof listenerName !== 'string' || !LISTENER_NAME.test(listenerName))
      throw rpcError(
        RpcErrorCodes.USAGE,
        `listen to ${where}: listenerName must be lower case letters, digits and '-' (it names the listener's queue), got ${JSON.stringify(listenerName)}`,
      );
    const key = `${where}.${listenerName}`;
    if (this.#listeners.has(key))
      throw rpcError(
        RpcErrorCodes.USAGE,
        `listen to ${where}: this daemon already has a listener named ${listenerName}`,
      );
    this.#listeners.add(key);
    const lane = await this.#wire.listen(codec.name, event, listenerName);
    await this.#lanes.openLane(lane, [metadata.payload], {
      name: `${where}:${listenerName}`,
      mediaType: schemaMediaType(metadata.payload)!,
      invoke: (payload, context) =>
        listener(payload as never, {
          api: codec.name,
          event,
          listenerName,
          attempt: context.attempt,
          signal: context.signal,
        }),
    });
  }

  #client(apiClass: ApiClass): object {
    const { metadata } = ApiCodec.of(apiClass);
    const members = new Map<string, unknown>();
    for (const name of metadata.methods.keys())
      members.set(name, (params: object, options?: CallOptions) =>
        this.call(apiClass, name, params, options),
      );
    for (const name of metadata.events.keys()) {
      const client: EventClient<object> = {
        fire: (payload) => this.fire(apiClass, name, payload),
        listen: (listener, options) => this.listen(apiClass, name, listener, options),
      };
      members.set(name, client);
    }
    // A member the class has but that is not @rpc or @event: a clear error rather than "not a function".
    return new Proxy(Object.freeze({}), {
      get: (_target, key) => {
        if (typeof key !== 'string') return undefined;
        return members.get(key) ?? (() => Promise.reject(usage(apiClass, key)));
      },
    });
  }

  #onReply(body: string): void {
    const reply = parseReply(body);
    // A late reply (its call timed out) or garbage: nobody waits for it.
    const pending = reply === undefined ? undefined : this.#pending.get(reply.correlationId);
    if (reply === undefined || pending === undefined) return;
    clearTimeout(pending.timer);
    this.#pending.delete(reply.correlationId);
    pending.settle(reply);
  }
}

function usage(apiClass: ApiClass, key: string): Error {
  try {
    ApiCodec.of(apiClass).method(key);
  } catch (error) {
    return error as Error;
  }
  return rpcError(RpcErrorCodes.USAGE, `${apiClass.name}.${key} cannot be called over the bus`);
}

function positiveMs(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0)
    throw rpcError(
      RpcErrorCodes.USAGE,
      `${name} must be a whole number of milliseconds above 0, got ${value}`,
    );
  return value;
}

/**
 * A client-only bus (a script, a web server): it calls APIs, but neither serves nor listens. It
 * owns its wire: `bus.close()` closes the wire too (its connection), so a script ends once its
 * bus is closed; closing the wire again yourself does nothing more.
 */
export async function createBus(
  options: Pick<BusOptions, 'wire' | 'defaultDeadlineMs' | 'resendIntervalMs'>,
): Promise<Bus> {
  const wire = closingOnce(options.wire);
  const bus = await Bus.open({ ...options, wire });
  wireOwners.add(bus);
  return bus;
}

/** The wire, its `close` made idempotent (the bus and its creator may both close it). */
function closingOnce(wire: RpcWire): RpcWire {
  const close = wire.close.bind(wire);
  let closed: Promise<void> | undefined;
  wire.close = () => (closed ??= close());
  return wire;
}
