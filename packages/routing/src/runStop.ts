import { RejectMessage, SkipMessage, type HandlerContext } from '@switchyard/core';
import { RoutedMessage, type RouteHeader, type RouteStop } from './RoutedMessage.js';
import { RouteControl } from './RouteControl.js';
import type { RoutingConfig } from './RoutingConfig.js';
import type { BusDriver, Stop } from './stops.js';
import type { StopStats } from './StopStats.js';

const visit = (stop: string): RouteStop => ({ stop, at: new Date().toISOString() });

/**
 * One routed message at one stop: run the stop, then forward the payload to the next stop (sent
 * only after this handler succeeds, so the incoming message is acked after the forward is
 * confirmed), drop it (acked as `skipped`, with the reason), or end the route.
 */
export async function runStop(
  name: string,
  stop: Stop,
  message: RoutedMessage,
  context: HandlerContext,
  stats: StopStats,
  config: RoutingConfig,
): Promise<void> {
  stats.received += 1;
  const { header, payload } = message;
  const { maxHops } = config;
  if (header.history.length >= maxHops) {
    const visited = header.history.map((entry) => entry.stop).join(' → ');
    throw new RejectMessage(`hop limit ${maxHops} reached at ${name}; the route loops: ${visited}`);
  }
  const route = new RouteControl(header.route);
  const stopContext = {
    route,
    history: header.history,
    originalRoute: header.originalRoute,
    message: context,
  };
  const result = await stop.handle(payload, stopContext);
  if (result === undefined) {
    stats.dropped += 1;
    throw new SkipMessage(`dropped by ${name}`);
  }
  const history = [...header.history, visit(name)];
  await forward(
    name,
    { route: route.remaining, originalRoute: header.originalRoute, history },
    result,
    context,
    stats,
    config,
  );
}

/** The busdriver: a raw client message in, the first routed message out. */
export async function runBusDriver(
  name: string,
  driver: BusDriver,
  message: object,
  context: HandlerContext,
  stats: StopStats,
  config: RoutingConfig,
): Promise<void> {
  stats.received += 1;
  const planned = await driver.route(message, context);
  if (planned === undefined) {
    stats.dropped += 1;
    throw new SkipMessage(`dropped by ${name}`);
  }
  if (planned.route.length === 0) throw new RejectMessage(`${name} returned an empty route`);
  const header = { route: [...planned.route], originalRoute: [...planned.route], history: [visit(name)] };
  await forward(name, header, planned.payload, context, stats, config);
}

async function forward(
  name: string,
  header: Omit<RouteHeader, 'route'> & { route: readonly string[] },
  payload: Record<string, unknown>,
  context: HandlerContext,
  stats: StopStats,
  config: RoutingConfig,
): Promise<void> {
  const [next, ...rest] = header.route;
  if (next === undefined) {
    stats.ended += 1;
    context.logger.debug({ history: header.history }, `route ended at ${name}`);
    return;
  }
  const routed = { header: { ...header, route: rest }, payload };
  // The key travels with the message, so per-key order holds along the whole route.
  const destination = config.destinationOf(next);
  await context.producer.produce(RoutedMessage, routed, { destination, key: context.key });
  stats.forwarded += 1;
}
