import { ErrorCodes, SwitchyardError, type HandlerContext, type SchemaClass } from '@switchyard/core';
import type { RouteStop } from './RoutedMessage.js';
import type { RouteControl } from './RouteControl.js';

const STOP_KEY = Symbol.for('switchyard.routing.stop');

export interface StopMetadata {
  /** The stop's name: the queue or topic it consumes. */
  readonly name: string;
  /** For a busdriver: the schema of the raw client messages it routes. */
  readonly input?: SchemaClass;
}

/** What a stop sees besides the payload. */
export interface StopContext {
  readonly route: RouteControl;
  /** The stops visited so far (this one not yet included), and the busdriver's original route. */
  readonly history: readonly RouteStop[];
  readonly originalRoute: readonly string[];
  readonly message: HandlerContext;
}

/** A dumb stop: returns the (possibly changed) payload to forward it, or nothing to drop it. */
export interface Stop {
  handle(
    payload: Record<string, unknown>,
    context: StopContext,
  ): Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;
}

/** The smart first stop: turns a raw client message into a route and a payload, or drops it. */
export interface BusDriver<T extends object = object> {
  route(message: T, context: HandlerContext): Promise<PlannedRoute | undefined> | PlannedRoute | undefined;
}

export interface PlannedRoute {
  readonly route: readonly string[];
  readonly payload: Record<string, unknown>;
}

/** Marks an injectable class as the stop that consumes the queue or topic `name`. */
export function stop(name: string): ClassDecorator {
  return (target) => Reflect.defineMetadata(STOP_KEY, { name }, target);
}

/** Marks an injectable class as the busdriver consuming `name`, routing messages of schema `input`. */
export function busdriver(name: string, input: SchemaClass): ClassDecorator {
  return (target) => Reflect.defineMetadata(STOP_KEY, { name, input }, target);
}

export function stopMetadata(target: object): StopMetadata {
  const metadata = Reflect.getOwnMetadata(STOP_KEY, target) as StopMetadata | undefined;
  if (metadata === undefined) {
    const name = (target as { name?: string }).name ?? 'anonymous';
    throw new SwitchyardError(
      ErrorCodes.DECORATOR_MISUSE,
      `${name} is used as a stop but has no @stop(...) or @busdriver(...)`,
    );
  }
  return metadata;
}
