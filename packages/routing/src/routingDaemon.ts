import {
  ConsumerDaemon,
  handles,
  inject,
  injectable,
  type ConfigClass,
  type ContainerModule,
  type DaemonPlugin,
  type HandlerContext,
  type MessageHandler,
  type Newable,
  type TransportFactory,
} from '@switchyard/core';
import { RoutedMessage } from './RoutedMessage.js';
import { RoutingConfig } from './RoutingConfig.js';
import { runBusDriver, runStop } from './runStop.js';
import { stopMetadata, type BusDriver, type Stop } from './stops.js';
import { StopStats } from './StopStats.js';

export interface RoutingDaemonOptions {
  readonly transports?: readonly TransportFactory[];
  readonly plugins?: readonly DaemonPlugin[];
  readonly modules?: readonly ContainerModule[];
  readonly configSections?: readonly ConfigClass[];
}

/**
 * A daemon for one stop (or the busdriver), named after it, so it consumes the queue or topic of
 * that name. The stop is a plain injectable class resolved from the daemon's graph.
 */
export function routingDaemon(
  stopClass: Newable<Stop> | Newable<BusDriver>,
  options: RoutingDaemonOptions = {},
): ConsumerDaemon {
  const { name, input } = stopMetadata(stopClass);
  const handler =
    input === undefined
      ? stopHandler(name, stopClass as Newable<Stop>)
      : busDriverHandler(name, stopClass as Newable<BusDriver>, input);
  return new (class RoutingDaemon extends ConsumerDaemon {
    readonly name = name;
    override readonly handlers = [handler];
    override readonly schemas = [RoutedMessage];
    override readonly configSections = [RoutingConfig, ...(options.configSections ?? [])];
    override readonly transports = options.transports ?? [];
    override readonly plugins = options.plugins ?? [];
    override readonly modules = options.modules ?? [];
  })();
}

function stopHandler(name: string, stopClass: Newable<Stop>): Newable<MessageHandler<RoutedMessage>> {
  @handles(RoutedMessage)
  @injectable()
  class StopHandler implements MessageHandler<RoutedMessage> {
    constructor(
      @inject(stopClass) private readonly stop: Stop,
      @inject(StopStats) private readonly stats: StopStats,
      @inject(RoutingConfig) private readonly config: RoutingConfig,
    ) {}

    handle(message: RoutedMessage, context: HandlerContext): Promise<void> {
      return runStop(name, this.stop, message, context, this.stats, this.config);
    }
  }
  Object.defineProperty(StopHandler, 'name', { value: `${stopClass.name} (stop ${name})` });
  return StopHandler;
}

function busDriverHandler(
  name: string,
  driverClass: Newable<BusDriver>,
  input: Newable<object>,
): Newable<MessageHandler> {
  @handles(input)
  @injectable()
  class BusDriverHandler implements MessageHandler {
    constructor(
      @inject(driverClass) private readonly driver: BusDriver,
      @inject(StopStats) private readonly stats: StopStats,
      @inject(RoutingConfig) private readonly config: RoutingConfig,
    ) {}

    handle(message: object, context: HandlerContext): Promise<void> {
      return runBusDriver(name, this.driver, message, context, this.stats, this.config);
    }
  }
  Object.defineProperty(BusDriverHandler, 'name', { value: `${driverClass.name} (busdriver ${name})` });
  return BusDriverHandler;
}
