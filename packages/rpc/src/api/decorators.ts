import { schemaMediaType, type SchemaClass } from '@switchyard/core';
import { RpcErrorCodes, rpcError } from '../errors.js';
import type { CallContext } from './CallContext.js';

const API_KEY = Symbol.for('switchyard.rpc.api');
const METHODS_KEY = Symbol.for('switchyard.rpc.methods');
const EVENTS_KEY = Symbol.for('switchyard.rpc.events');

/** Lower camel case or kebab case: it names queues, topics and subjects, so no dots or spaces. */
const NAME = /^[a-z][a-zA-Z0-9-]{0,62}$/;
/** A method or event name: no '-' either, so queue names made of API, event and listener never clash. */
const MEMBER_NAME = /^[a-z][a-zA-Z0-9]{0,62}$/;

export interface RpcOptions {
  /** The result's `@schema` class; omit it for a method that returns nothing. */
  readonly returns?: SchemaClass;
  /**
   * The client resends the call (same idempotency key) until a reply or the deadline, and the
   * server runs each key once, answering resends and redeliveries from the first run.
   */
  readonly idempotent?: boolean;
}

export interface MethodMetadata {
  readonly name: string;
  readonly params: SchemaClass;
  readonly returns: SchemaClass | undefined;
  readonly idempotent: boolean;
}

export interface EventMetadata {
  readonly name: string;
  readonly payload: SchemaClass;
}

export interface ApiMetadata {
  readonly name: string;
  readonly className: string;
  readonly methods: ReadonlyMap<string, MethodMetadata>;
  readonly events: ReadonlyMap<string, EventMetadata>;
}

/** A class decorated with `@api`. Its constructor may take injected collaborators (server side). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructor parameters are the graph's business
export type ApiClass<T extends object = object> = abstract new (...args: any[]) => T;

declare const eventPayload: unique symbol;

/**
 * An event field's declared type (`@event(X) readonly name!: ApiEvent<X>`): a type-level marker
 * that the typed client replaces with `fire` and `listen`. The field holds no value.
 */
export interface ApiEvent<T extends object> {
  readonly [eventPayload]: T;
}

/**
 * Names a bus API. Its `@rpc` methods are served by a daemon that lists the class in `apis`, and
 * its `@event` fields are fired by that daemon and listened to by any.
 *
 * @example
 *   @api('example')
 *   class ExampleApi {
 *     @rpc({ returns: Greeting }) async helloWorld(params: HelloParams): Promise<Greeting> { … }
 *     @event(UserRegistered) readonly userRegistered!: ApiEvent<UserRegistered>;
 *   }
 */
export function api(name: string): ClassDecorator {
  if (!NAME.test(name))
    throw rpcError(
      RpcErrorCodes.USAGE,
      `@api("${name}"): an API name is a letter then letters, digits or '-' (it names queues and topics)`,
    );
  return (target) => {
    Reflect.defineMetadata(API_KEY, name, target);
  };
}

/**
 * Marks a method as a remote procedure. Its one parameter is a `@schema` class (read from the
 * parameter's type), and `returns` names the result's; a second parameter receives the
 * `CallContext` (deadline, signal, logger).
 */
export function rpc<R extends object | void = void>(
  options: Omit<RpcOptions, 'returns'> & { returns?: SchemaClass<R & object> } = {},
) {
  // The method's declared result must match `returns`: a mismatch is a compile error here.
  return <M extends (params: never, call: CallContext) => Promise<NoInfer<R>> | NoInfer<R>>(
    target: object,
    key: string | symbol,
    _descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const where = `${target.constructor.name}.${String(key)}`;
    if (typeof key !== 'string' || !MEMBER_NAME.test(key))
      throw rpcError(
        RpcErrorCodes.USAGE,
        `@rpc on ${where}: the method name must be a plain identifier (a lower-case letter, then letters and digits)`,
      );
    const paramTypes = Reflect.getMetadata('design:paramtypes', target, key) as unknown[] | undefined;
    const params = paramTypes?.[0];
    if (typeof params !== 'function' || params === Object)
      throw rpcError(
        RpcErrorCodes.USAGE,
        `@rpc on ${where}: its first parameter must be typed with a @schema class (and the build must emit decorator metadata)`,
      );
    requireSchema(params as SchemaClass, `@rpc on ${where}: its parameter type`);
    if (options.returns !== undefined) requireSchema(options.returns, `@rpc on ${where}: returns`);
    const methods = ownMap<MethodMetadata>(METHODS_KEY, target.constructor);
    methods.set(key, {
      name: key,
      params: params as SchemaClass,
      returns: options.returns,
      idempotent: options.idempotent ?? false,
    });
  };
}

/** Declares an event field: `@event(UserRegistered) readonly userRegistered!: ApiEvent<UserRegistered>`. */
export function event<T extends object>(payload: SchemaClass<T>) {
  requireSchema(payload, `@event(${payload.name})`);
  return <K extends string>(target: { [key in K]: ApiEvent<T> }, key: K): void => {
    const where = `${target.constructor.name}.${key}`;
    if (!MEMBER_NAME.test(key))
      throw rpcError(
        RpcErrorCodes.USAGE,
        `@event on ${where}: the field name must be a plain identifier (a lower-case letter, then letters and digits)`,
      );
    ownMap<EventMetadata>(EVENTS_KEY, target.constructor).set(key, { name: key, payload });
  };
}

/** The API's name, methods and events; a clear error for a class without `@api`. */
export function apiMetadata(target: ApiClass): ApiMetadata {
  const name = Reflect.getOwnMetadata(API_KEY, target) as string | undefined;
  if (name === undefined)
    throw rpcError(
      RpcErrorCodes.USAGE,
      `${target.name || 'this class'} is used as a bus API but has no @api("<name>") decorator`,
    );
  return {
    name,
    className: target.name,
    methods: ownMap<MethodMetadata>(METHODS_KEY, target),
    events: ownMap<EventMetadata>(EVENTS_KEY, target),
  };
}

function ownMap<T>(key: symbol, target: object): Map<string, T> {
  let map = Reflect.getOwnMetadata(key, target) as Map<string, T> | undefined;
  if (map === undefined) {
    map = new Map();
    Reflect.defineMetadata(key, map, target);
  }
  return map;
}

function requireSchema(schemaClass: SchemaClass, where: string): void {
  if (schemaMediaType(schemaClass) === undefined)
    throw rpcError(
      RpcErrorCodes.USAGE,
      `${where}: ${schemaClass.name} has no @schema("<media type>") decorator; parameters, results and payloads are @schema classes`,
    );
}
