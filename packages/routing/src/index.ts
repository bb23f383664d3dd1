export { ROUTED_MEDIA_TYPE, RoutedMessage, RouteHeader, RouteStop } from './RoutedMessage.js';
export {
  busdriver,
  stop,
  stopMetadata,
  type BusDriver,
  type PlannedRoute,
  type Stop,
  type StopContext,
} from './stops.js';
export { RouteControl } from './RouteControl.js';
export { RoutingConfig } from './RoutingConfig.js';
export { StopStats } from './StopStats.js';
export { routingDaemon, type RoutingDaemonOptions } from './routingDaemon.js';
export { runBusDriver, runStop } from './runStop.js';
